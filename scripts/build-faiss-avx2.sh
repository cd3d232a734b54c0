#!/usr/bin/env bash
# Builds an AVX2 FAISS Python package from Debian's own faiss source package, for the ann benchmark only
# (not part of CI, `npm test` or the extension). Debian's binary python3-faiss 1.7.3 is compiled GENERIC (no
# SIMD) and PyPI's faiss-cpu wheel is out of reach here; the same 1.7.3 source built with
# -DFAISS_OPT_LEVEL=avx2 is the SIMD anchor that can be had from Debian alone.
#
#   bash scripts/build-faiss-avx2.sh [PREFIX]          # default PREFIX=/work/faiss-avx2 (outside the repo)
#   ANN_FAISS_PYTHONPATH=PREFIX/python npm run bench -- ann --out bench/results/ann-faiss-avx2.json
#
# Needs root and apt (a deb-src entry for the configured Debian mirror is added if none exists), about 1 GB
# of disk and, on two loaded cores, 30-60 minutes (make -j2; only the faiss_avx2 library and its SWIG
# module are built: no tests, no GPU, no C API, no generic variant).
set -euo pipefail

PREFIX=${1:-/work/faiss-avx2}
JOBS=${JOBS:-2}
SRC=${SRC:-$PREFIX/src}   # Debian source package (apt-get source faiss) unpacks here
BUILD=$PREFIX/build
PY=$PREFIX/python

if ! grep -qw avx2 /proc/cpuinfo; then
  echo "this CPU has no AVX2 (lscpu flags): nothing to build" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if ! grep -rqs '^Types: deb-src\|^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  # Same mirror and suite as the configured binary entry (deb822 format, as Debian bookworm ships it).
  uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  suite=$(awk '/^Suites:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  printf 'Types: deb-src\nURIs: %s\nSuites: %s %s-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "${uri:-http://deb.debian.org/debian}" "${suite:-bookworm}" "${suite:-bookworm}" >/etc/apt/sources.list.d/debian-src.sources
  apt-get update -qq
fi
# Build dependencies of the Debian package (debian/control), with OpenBLAS as the BLAS.
apt-get install -y -qq --no-install-recommends build-essential cmake swig python3-dev python3-numpy \
  python3-setuptools libopenblas-dev liblapack-dev dpkg-dev >/dev/null

mkdir -p "$SRC"
if [ ! -d "$SRC"/faiss-*/faiss ]; then
  (cd "$SRC" && apt-get source -qq faiss)   # unpacks and applies Debian's patches
fi
srcdir=$(ls -d "$SRC"/faiss-*/ | head -1)

cmake -S "$srcdir" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release \
  -DFAISS_OPT_LEVEL=avx2 -DFAISS_ENABLE_GPU=OFF -DFAISS_ENABLE_PYTHON=ON -DFAISS_ENABLE_C_API=OFF \
  -DBUILD_TESTING=OFF -DBUILD_SHARED_LIBS=ON -DBLA_VENDOR=OpenBLAS -DPython_EXECUTABLE=/usr/bin/python3
make -C "$BUILD" -j"$JOBS" swigfaiss_avx2

# Assemble the package (faiss/ with loader.py, swigfaiss_avx2.py, _swigfaiss_avx2.so) with its setup.py.
# /usr/bin/python3 throughout: the module is compiled against Debian's numpy 1.24 headers, so it imports
# under Debian's Python (which the ann bench uses), not under another python3 on PATH with numpy 2.
# _swigfaiss_avx2.so finds libfaiss_avx2.so in $BUILD/faiss through its RPATH: keep $BUILD.
(cd "$BUILD/faiss/python" && /usr/bin/python3 setup.py -q build --build-lib "$PY" >/dev/null)

cd /tmp
PYTHONPATH=$PY /usr/bin/python3 - <<'EOF'
import sys, faiss
mod = [m for m in ("faiss.swigfaiss_avx2", "faiss.swigfaiss") if m in sys.modules][0]
opts = faiss.get_compile_options()
print(f"faiss {faiss.__version__} from {faiss.__file__}: module {mod}, compile options: {opts.strip()}")
if "AVX2" not in opts or mod != "faiss.swigfaiss_avx2":
    sys.exit("not the AVX2 build")
EOF
echo "use: ANN_FAISS_PYTHONPATH=$PY npm run bench -- ann"
