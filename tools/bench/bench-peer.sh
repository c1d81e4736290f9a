#!/bin/sh
# `nx run tools:bench-peer`: the PyTorch peer of `mllr bench` on tiny-chat at the reference shape, on every core
# (as mllr's ONNX engine), with $MLLR_PYTHON or Debian's /usr/bin/python3, and OpenBLAS from fetch-openblas.sh when
# it is there. Extra arguments go to pytorch_peer.py (for example --repeats 3 --threads 1).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
blas="${MLLR_PEER_BLAS_DIR:-$here/.openblas/usr/lib/x86_64-linux-gnu/openblas-pthread}"
if [ -d "$blas" ]; then LD_LIBRARY_PATH="$blas${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; export LD_LIBRARY_PATH; fi
exec "${MLLR_PYTHON:-/usr/bin/python3}" "$here/pytorch_peer.py" --model "$here/../../packages/tiny-chat/model" --threads "$(nproc)" "$@"
