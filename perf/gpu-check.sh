#!/usr/bin/env bash
# GPU backend check for a machine with an NVIDIA GPU: the CUDA report, the equivalence of the GPU and CPU backends
# (and of the GPU backend with DESI's reference extractions when the reference data are there), and a throughput
# run. Needs only the NVIDIA driver, the CUDA libraries (NVRTC, cuBLAS, cuSOLVER), bash and coreutils, and a
# self-contained gpuextract published on any machine with the .NET SDK:
#
#   dotnet publish src/GpuExtract.Cli -c Release -r linux-x64 --self-contained -p:PublishSingleFile=true \
#       -p:EnableCompressionInSingleFile=true -p:DebugType=none -o publish/
#
# Usage: perf/gpu-check.sh [GPUEXTRACT] [SHARED_DIR]
#   GPUEXTRACT  the published binary (default: publish/gpuextract in this repository)
#   SHARED_DIR  the shared data folder with reference/ and data/ (default: ../shared beside the repository;
#               the reference cases are skipped when it is absent)
# Environment:
#   GPU_CHECK_QUICK=1   leave out the full 500-fiber frame (its simulation and CPU extraction take minutes);
#                       the throughput run then uses the 25-fiber demo frame
#   GPU_CHECK_OUT=DIR   where the results go (default: perf/results in this repository)
#   GPUEXTRACT_CUDA_LIBDIR, CUDA_HOME   where the CUDA libraries are, if not on the system library path
#   GPU_CHECK_DRY_RUN=1 run every step with the CPU backend in place of CUDA (checks this script on a machine
#                       without a GPU; the figures then compare the CPU with itself)
# Writes GPU_CHECK_OUT/gpu-<gpu>-<date>.json (and .log); exit status 0 when every check passed, 1 otherwise,
# 2 when no usable GPU was found.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
gx=${1:-$repo/publish/gpuextract}
shared=${2:-$repo/../shared}
out=${GPU_CHECK_OUT:-$repo/perf/results}
work=$(mktemp -d "${TMPDIR:-/tmp}/gpu-check.XXXXXX")
mkdir -p "$out"
log=$work/gpu-check.log
failures=()

say() { echo "$*" | tee -a "$log"; }
run() { # run COMMAND...: echo it, log its output, return its status
    say "\$ $*"
    "$@" 2>&1 | tee -a "$log"
    return "${PIPESTATUS[0]}"
}
json_or_null() { if [[ -s "$1" ]]; then cat "$1"; else echo null; fi; }

if [[ ! -x "$gx" ]]; then
    echo "gpu-check: $gx is not an executable gpuextract (publish it first, see the top of this script)" >&2
    exit 2
fi

gpu_backend=cuda
[[ "${GPU_CHECK_DRY_RUN:-0}" == 1 ]] && gpu_backend=cpu
say "gpu-check $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(hostname), $($gx --version), GPU backend: $gpu_backend"
run "$gx" devices
"$gx" devices --json > "$work/devices.json"
if [[ $gpu_backend == cuda ]] && ! "$gx" devices --require-gpu > /dev/null 2>> "$log"; then
    say "gpu-check: no usable GPU (see above); nothing to check"
    exit 2
fi
command -v nvidia-smi > /dev/null && run nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv
gpu=$(awk '/"gpus"/ { g = 1 } g && /"name"/ { sub(/.*"name": *"/, ""); sub(/".*/, ""); print; exit }' "$work/devices.json")
tag=$(echo "${gpu:-unknown}" | tr -c 'A-Za-z0-9\n' '-' | tr -s '-' | sed 's/^-//; s/-$//')
stamp=$(date -u +%Y%m%d-%H%M)

# extract_pair NAME PREPROC PSF OPTIONS...: the frame with the CPU and with the GPU backend, then GPU vs CPU.
extract_pair() {
    local name=$1 preproc=$2 psf=$3
    shift 3
    run "$gx" extract -i "$preproc" -p "$psf" -o "$work/$name-cpu.fits" --backend cpu "$@" \
        || failures+=("$name: CPU extraction failed")
    run "$gx" extract -i "$preproc" -p "$psf" -o "$work/$name-gpu.fits" --backend "$gpu_backend" "$@" \
        || failures+=("$name: GPU extraction failed")
    run "$gx" compare "$work/$name-gpu.fits" "$work/$name-cpu.fits" --json "$work/$name-vs-cpu.json" \
        || failures+=("$name: GPU vs CPU outside 1e-4 pull / 1e-6 ivar / 1e-6 resolution")
}

# 1. A 25-fiber simulated frame (built-in PSF), both decorrelation modes.
run "$gx" demo --fibers 0-24 --backend cpu -o "$work/demo" || failures+=("demo: simulation or CPU extraction failed")
demo_options=(-w "5760,7620,0.8" --specmin 0 --nspec 25)
extract_pair demo "$work/demo/preproc-demo.fits" "$work/demo/psf-demo.fits" "${demo_options[@]}"
extract_pair demo-decorrelate "$work/demo/preproc-demo.fits" "$work/demo/psf-demo.fits" "${demo_options[@]}" --decorrelate-fibers

# 2. DESI's reference cases: GPU vs CPU, and GPU vs specter with the reference tolerances.
reference_cases=()
if [[ -f "$shared/reference/README.md" && -f "$shared/data/psf-r0-00051060.fits" ]]; then
    psf=$shared/data/psf-r0-00051060.fits
    while read -r name image frame fibers wave nsub decorr; do
        first=${fibers%-*}; last=${fibers#*-}
        options=(-w "$wave" --specmin "$first" --nspec $((last - first + 1)) --nsubbundles "$nsub")
        [[ $decorr == yes ]] && options+=(--decorrelate-fibers)
        extract_pair "$name" "$shared/reference/$image" "$psf" "${options[@]}"
        run "$gx" compare "$work/$name-gpu.fits" "$shared/reference/$frame" --reference --json "$work/$name-vs-specter.json" \
            || failures+=("$name: GPU vs specter outside the reference tolerances")
        reference_cases+=("$name")
    done <<'CASES'
small small-preproc.fits.gz small-frame-specter.fits 0-4 6200,6400,0.8 5 no
small-decorr small-preproc.fits.gz small-decorr-frame-specter.fits 0-4 6200,6400,0.8 5 yes
bundle0 bundle0-preproc.fits.gz bundle0-frame-specter.fits 0-24 5760,7620,0.8 5 no
bundle0-nsub6 bundle0-preproc.fits.gz bundle0-nsub6-frame-specter.fits 0-24 5760,7620,0.8 6 no
CASES
else
    say "reference data not found under $shared: reference cases skipped"
fi

# 3. A full 500-fiber r-camera frame, then the throughput run on it.
bench_input=$work/demo/preproc-demo.fits
bench_psf=$work/demo/psf-demo.fits
bench_options=("${demo_options[@]}")
if [[ "${GPU_CHECK_QUICK:-0}" != 1 ]]; then
    run "$gx" demo --full-frame --backend cpu -o "$work/full" || failures+=("full frame: simulation or CPU extraction failed")
    run "$gx" extract -i "$work/full/preproc-demo.fits" -p "$work/full/psf-demo.fits" -o "$work/full-gpu.fits" -w 5760,7620,0.8 \
        --specmin 0 --nspec 500 --backend "$gpu_backend" || failures+=("full frame: GPU extraction failed")
    run "$gx" compare "$work/full-gpu.fits" "$work/full/frame-demo.fits" --json "$work/full-vs-cpu.json" \
        || failures+=("full frame: GPU vs CPU outside 1e-4 pull / 1e-6 ivar / 1e-6 resolution")
    bench_input=$work/full/preproc-demo.fits
    bench_psf=$work/full/psf-demo.fits
    bench_options=(-w "5760,7620,0.8" --specmin 0 --nspec 500)
fi
run "$gx" gpu-benchmark -i "$bench_input" -p "$bench_psf" "${bench_options[@]}" --backend "$gpu_backend" --repeat 5 --json "$work/benchmark.json" \
    || failures+=("throughput run failed")

# 4. One JSON with everything (no jq needed: the pieces are JSON already).
result=$out/gpu-$tag-$stamp.json
{
    echo "{"
    echo "  \"date\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\","
    echo "  \"host\": \"$(hostname)\","
    echo "  \"gpuextract\": \"$($gx --version)\","
    echo "  \"gpu\": \"$gpu\","
    echo "  \"devices\": $(json_or_null "$work/devices.json"),"
    echo "  \"equivalence\": {"
    echo "    \"demo\": {\"vs_cpu\": $(json_or_null "$work/demo-vs-cpu.json")},"
    echo "    \"demo-decorrelate\": {\"vs_cpu\": $(json_or_null "$work/demo-decorrelate-vs-cpu.json")},"
    for name in "${reference_cases[@]}"; do
        echo "    \"$name\": {\"vs_cpu\": $(json_or_null "$work/$name-vs-cpu.json"), \"vs_specter\": $(json_or_null "$work/$name-vs-specter.json")},"
    done
    echo "    \"full-frame\": {\"vs_cpu\": $(json_or_null "$work/full-vs-cpu.json")}"
    echo "  },"
    echo "  \"benchmark\": $(json_or_null "$work/benchmark.json"),"
    echo "  \"failures\": ["
    for i in "${!failures[@]}"; do
        sep=,; [[ $i -eq $((${#failures[@]} - 1)) ]] && sep=
        echo "    \"${failures[$i]}\"$sep"
    done
    echo "  ],"
    echo "  \"passed\": $([[ ${#failures[@]} -eq 0 ]] && echo true || echo false)"
    echo "}"
} > "$result"
cp "$log" "${result%.json}.log"
say "results: $result"
if [[ ${#failures[@]} -gt 0 ]]; then
    say "FAILED: ${failures[*]}"
    exit 1
fi
say "all checks passed"
