#!/bin/sh
# Unpacks Debian's OpenBLAS into tools/bench/.openblas without installing it, for the PyTorch peer of `mllr bench`:
# Debian's python3-torch loads whatever libblas.so.3 the system provides, which without libopenblas0 is the reference
# BLAS (about 2 GFLOP/s on a 512³ MatMul against OpenBLAS's 150+). The peer runner puts this copy first on
# LD_LIBRARY_PATH when it exists. Installing libopenblas0-pthread system-wide (apt-get install) does the same for
# every program.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download libopenblas0-pthread)
rm -rf "$here/.openblas"
dpkg-deb -x "$work"/libopenblas0-pthread_*.deb "$here/.openblas"
echo "OpenBLAS unpacked in $here/.openblas/usr/lib/x86_64-linux-gnu/openblas-pthread"
