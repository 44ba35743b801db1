#!/usr/bin/env bash
# The GPU check, in two steps, so that the GPU machine (scarce, bare, offline) only does what needs the GPU.
#
#   perf/gpu-check.sh prepare [DIR]   on any machine with the .NET SDK (minutes): publishes a self-contained
#                                     gpuextract, simulates the 25-fiber frame, copies the small reference cases
#                                     of ../shared, and extracts every case with the CPU backend: DIR holds the
#                                     inputs and the CPU reference frames (default: perf/gpu-check-prepared, in
#                                     .gitignore; about 55 MB, under the 64 MiB a device run carries).
#   perf/gpu-check.sh run [DIR]       on the GPU machine, well under 10 minutes: every step below, each under a
#                                     time limit, into one JSON, GPU_CHECK_OUT/gpu-<gpu>-<date>.json (default
#                                     perf/results), and its log next to it.
#
# What `run` does:
#   1. devices: `gpuextract devices --json` (stops with exit 2 when no GPU is usable);
#   2. sanitizer: compute-sanitizer memcheck and racecheck on a 25-fiber extraction, when compute-sanitizer is on
#      PATH (or in CUDA_HOME/bin, /usr/local/cuda/bin);
#   3. equivalence: GPU extraction of each prepared case, compared with the prepared CPU frame (pull < 1e-4, ivar
#      1e-6 relative, resolution 1e-6) and, for DESI's reference cases, with specter's frame;
#   4. full frame: a 500-fiber frame is too large to carry (213 MB), so it is simulated again from the same seed
#      (its SHA-256 is checked against the one recorded by `prepare`) and extracted with both backends there
#      (about 15 s on 16 cores), then compared (pull < 1e-4), the GPU once with each device solver (band, dense);
#   5. eigh: the eigh study's GPU points (`eigh-bench --backend cuda`);
#   6. timing: `gpu-benchmark` on the full frame with each device solver, and the FLOP/bytes model of both
#      (`gpu-benchmark --model-only`), so that measured and modelled stage times sit side by side.
# Exit status 0 when every check passed, 1 otherwise, 2 when no usable GPU was found.
#
# GPU_CHECK_DRY_RUN=1 runs `run` with the CPU backend in place of CUDA and without the sanitizer and the eigh
# points (checks this script on a machine without a GPU; the figures then compare the CPU with itself).
# GPU_CHECK_TIME_SCALE=N multiplies every step's time limit (default 1; e.g. 10 for a dry run on 2 busy cores).
# Written for bash >= 3.2: no empty-array expansion under `set -u` (bash < 4.4 calls it unbound), hence the
# ${array[@]+"${array[@]}"} form wherever an array may be empty.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
mode=${1:-}
prepared=${2:-$repo/perf/gpu-check-prepared}
shared=${GPU_CHECK_SHARED:-$repo/../shared}
wave=5760,7620,0.8
full_seed=1

# The reference cases of ../shared carried to the GPU: name, preproc, specter frame, fibers, grid, nsubbundles,
# decorrelation. bundle0 is left out: its preproc and frames (33 MB) would not fit beside the binary.
reference_cases() {
    cat <<'CASES'
small small-preproc.fits.gz small-frame-specter.fits 0-4 6200,6400,0.8 5 no
small-decorr small-preproc.fits.gz small-decorr-frame-specter.fits 0-4 6200,6400,0.8 5 yes
CASES
}

# case_options FIBERS GRID NSUB DECORRELATE: the extraction options of a case.
case_options() {
    local first=${1%-*} last=${1#*-}
    echo "-w $2 --specmin $first --nspec $((last - first + 1)) --nsubbundles $3$([[ $4 == yes ]] && echo ' --decorrelate-fibers')"
}

demo_cases() {
    echo "demo no"
    echo "demo-decorrelate yes"
}

prepare() {
    set -e
    rm -rf "$prepared"
    mkdir -p "$prepared/inputs" "$prepared/cpu"
    echo "== publish (self-contained, single file)"
    dotnet publish "$repo/src/GpuExtract.Cli" -c Release -r linux-x64 --self-contained -p:PublishSingleFile=true \
        -p:EnableCompressionInSingleFile=true -p:DebugType=none -o "$prepared/bin" > "$prepared/publish.log"
    local gx=$prepared/bin/gpuextract
    echo "== 25-fiber simulated frame and its CPU extractions"
    "$gx" demo --fibers 0-24 --backend cpu -w "$wave" -o "$prepared/work-demo" > "$prepared/prepare.log" 2>&1
    # The 25-fiber frame fills a full CCD image that is mostly empty: gzip takes its 204 MB to about 7 MB.
    gzip -1 -c "$prepared/work-demo/preproc-demo.fits" > "$prepared/inputs/demo-preproc.fits.gz"
    cp "$prepared/work-demo/psf-demo.fits" "$prepared/inputs/demo-psf.fits"
    rm -rf "$prepared/work-demo"
    local name decorrelate
    while read -r name decorrelate; do
        # shellcheck disable=SC2046
        "$gx" extract -i "$prepared/inputs/demo-preproc.fits.gz" -p "$prepared/inputs/demo-psf.fits" -o "$prepared/cpu/$name.fits" \
            --backend cpu $(case_options 0-24 "$wave" 6 "$decorrelate") >> "$prepared/prepare.log" 2>&1
    done < <(demo_cases)
    echo "== reference cases"
    if [[ -f "$shared/data/psf-r0-00051060.fits" ]]; then
        cp "$shared/data/psf-r0-00051060.fits" "$prepared/inputs/"
        local image frame fibers grid nsub
        while read -r name image frame fibers grid nsub decorrelate; do
            cp -n "$shared/reference/$image" "$prepared/inputs/" 2>/dev/null || true
            cp "$shared/reference/$frame" "$prepared/inputs/$name-specter.fits"
            # shellcheck disable=SC2046
            "$gx" extract -i "$prepared/inputs/$image" -p "$prepared/inputs/psf-r0-00051060.fits" -o "$prepared/cpu/$name.fits" \
                --backend cpu $(case_options "$fibers" "$grid" "$nsub" "$decorrelate") >> "$prepared/prepare.log" 2>&1
        done < <(reference_cases)
    else
        echo "   $shared/data/psf-r0-00051060.fits not found: reference cases left out"
    fi
    echo "== full frame fingerprint (simulated again on the GPU machine)"
    mkdir -p "$prepared/work-full"
    # The same file names as in `run`: the PSF's name is written into the preproc header.
    "$gx" simulate --fibers 0-499 --seed "$full_seed" -w "$wave" -o "$prepared/work-full/full-preproc.fits" \
        --synthetic-psf "$prepared/work-full/full-psf.fits" > /dev/null
    sha256sum "$prepared/work-full/full-preproc.fits" | awk '{ print $1 }' > "$prepared/full-preproc.sha256"
    rm -rf "$prepared/work-full"
    echo "prepared: $prepared ($(du -sm "$prepared" | cut -f1) MB)"
    set +e
}

run_check() {
    [[ -x "$prepared/bin/gpuextract" ]] || { echo "gpu-check: run 'perf/gpu-check.sh prepare' first ($prepared/bin/gpuextract is missing)" >&2; exit 2; }
    local gx=$prepared/bin/gpuextract
    local out=${GPU_CHECK_OUT:-$repo/perf/results}
    local work
    work=$(mktemp -d "${TMPDIR:-/tmp}/gpu-check.XXXXXX")
    mkdir -p "$out"
    local log=$work/gpu-check.log
    local dry=${GPU_CHECK_DRY_RUN:-0}
    local backend=cuda
    [[ $dry == 1 ]] && backend=cpu
    failures=()
    equivalence=()

    say() { echo "$*" | tee -a "$log"; }
    # limited SECONDS COMMAND...: echo it, run it under a time limit, log its output, return its status.
    limited() {
        local seconds=$(($1 * ${GPU_CHECK_TIME_SCALE:-1}))
        shift
        say "\$ $*"
        timeout "$seconds" "$@" 2>&1 | tee -a "$log"
        local status=${PIPESTATUS[0]}
        [[ $status == 124 ]] && say "timed out after $seconds s"
        return "$status"
    }
    json_or_null() { if [[ -s "$1" ]]; then cat "$1"; else echo null; fi; }
    fail() { failures+=("$1"); say "FAILED: $1"; }

    say "gpu-check $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(hostname), $("$gx" --version), GPU backend: $backend"
    "$gx" devices --json > "$work/devices.json" 2>> "$log"
    limited 60 "$gx" devices
    if [[ $backend == cuda ]] && ! "$gx" devices --require-gpu > /dev/null 2>> "$log"; then
        say "gpu-check: no usable GPU (see above); nothing to check"
        exit 2
    fi
    command -v nvidia-smi > /dev/null && limited 30 nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv
    local gpu tag stamp
    gpu=$(awk '/"gpus"/ { g = 1 } g && /"name"/ { sub(/.*"name": *"/, ""); sub(/".*/, ""); print; exit }' "$work/devices.json")
    tag=$(echo "${gpu:-unknown}" | tr -c 'A-Za-z0-9\n' '-' | tr -s '-' | sed 's/^-//; s/-$//')
    stamp=$(date -u +%Y%m%d-%H%M)

    # The carried 25-fiber frame is gzipped; decompressed once here (gzip is faster than reading .fits.gz each time).
    local demo=$work/demo-preproc.fits
    gzip -dc "$prepared/inputs/demo-preproc.fits.gz" > "$demo" || fail "demo: the prepared frame does not decompress"

    # 2. compute-sanitizer on a 25-fiber extraction over a short grid (the tools slow kernels down 10-100x).
    local sanitizer="" memcheck=null racecheck=null
    for candidate in compute-sanitizer "${CUDA_HOME:-/usr/local/cuda}/bin/compute-sanitizer" /usr/local/cuda/bin/compute-sanitizer; do
        if command -v "$candidate" > /dev/null 2>&1; then sanitizer=$candidate; break; fi
    done
    if [[ $dry != 1 && -n $sanitizer ]]; then
        local tool
        for tool in memcheck racecheck; do
            if limited 150 "$sanitizer" --tool "$tool" --error-exitcode 3 "$gx" extract -i "$demo" \
                -p "$prepared/inputs/demo-psf.fits" -o "$work/sanitizer-$tool.fits" --backend cuda -w 5760,5960,0.8 --specmin 0 --nspec 25; then
                eval "$tool=true"
            else
                eval "$tool=false"
                fail "compute-sanitizer $tool reported errors (or timed out)"
            fi
        done
    else
        say "compute-sanitizer: not run ($([[ $dry == 1 ]] && echo 'dry run' || echo 'not found'))"
    fi

    # 3. Each prepared case on the GPU, against the prepared CPU frame (and specter's for the reference cases).
    local name decorrelate image frame fibers grid nsub
    while read -r name decorrelate; do
        # shellcheck disable=SC2046
        limited 120 "$gx" extract -i "$demo" -p "$prepared/inputs/demo-psf.fits" -o "$work/$name.fits" \
            --backend "$backend" --json-report "$work/$name-report.json" $(case_options 0-24 "$wave" 6 "$decorrelate") \
            || fail "$name: GPU extraction failed"
        limited 60 "$gx" compare "$work/$name.fits" "$prepared/cpu/$name.fits" --json "$work/$name-vs-cpu.json" \
            || fail "$name: GPU vs CPU outside 1e-4 pull / 1e-6 ivar / 1e-6 resolution"
        equivalence+=("\"$name\": {\"report\": $(json_or_null "$work/$name-report.json"), \"vs_cpu\": $(json_or_null "$work/$name-vs-cpu.json")}")
    done < <(demo_cases)
    if [[ -f "$prepared/inputs/psf-r0-00051060.fits" ]]; then
        while read -r name image frame fibers grid nsub decorrelate; do
            # shellcheck disable=SC2046
            limited 120 "$gx" extract -i "$prepared/inputs/$image" -p "$prepared/inputs/psf-r0-00051060.fits" -o "$work/$name.fits" \
                --backend "$backend" --json-report "$work/$name-report.json" $(case_options "$fibers" "$grid" "$nsub" "$decorrelate") \
                || fail "$name: GPU extraction failed"
            limited 60 "$gx" compare "$work/$name.fits" "$prepared/cpu/$name.fits" --json "$work/$name-vs-cpu.json" \
                || fail "$name: GPU vs CPU outside 1e-4 pull / 1e-6 ivar / 1e-6 resolution"
            limited 60 "$gx" compare "$work/$name.fits" "$prepared/inputs/$name-specter.fits" --reference --json "$work/$name-vs-specter.json" \
                || fail "$name: GPU vs specter outside the reference tolerances"
            equivalence+=("\"$name\": {\"report\": $(json_or_null "$work/$name-report.json"), \"vs_cpu\": $(json_or_null "$work/$name-vs-cpu.json"), \"vs_specter\": $(json_or_null "$work/$name-vs-specter.json")}")
        done < <(reference_cases)
    fi

    # 4. The full frame, simulated again from the prepared seed, on both backends.
    local full_ok=1 full_same=null
    local preproc_file=$work/full-preproc.fits psf_file=$work/full-psf.fits
    limited 120 "$gx" simulate --fibers 0-499 --seed "$full_seed" -w "$wave" -o "$preproc_file" --synthetic-psf "$psf_file" > /dev/null \
        || { full_ok=0; fail "full frame: simulation failed"; }
    if [[ $full_ok == 1 && -s "$prepared/full-preproc.sha256" ]]; then
        # Both backends extract this same file, so a different simulation does not spoil the comparison; it is recorded.
        full_same=false
        [[ "$(sha256sum "$preproc_file" | awk '{ print $1 }')" == "$(cat "$prepared/full-preproc.sha256")" ]] && full_same=true
        say "full frame: simulation identical to the prepared one: $full_same"
    fi
    if [[ $full_ok == 1 ]]; then
        limited 180 "$gx" extract -i "$preproc_file" -p "$psf_file" -o "$work/full-cpu.fits" --backend cpu -w "$wave" --specmin 0 --nspec 500 \
            || fail "full frame: CPU extraction failed"
        local solver
        for solver in band dense; do
            limited 120 "$gx" extract -i "$preproc_file" -p "$psf_file" -o "$work/full-$solver.fits" --backend "$backend" --device-solver "$solver" \
                -w "$wave" --specmin 0 --nspec 500 --json-report "$work/full-$solver-report.json" || fail "full frame: GPU extraction ($solver solver) failed"
            limited 60 "$gx" compare "$work/full-$solver.fits" "$work/full-cpu.fits" --json "$work/full-$solver-vs-cpu.json" \
                || fail "full frame: GPU ($solver solver) vs CPU outside 1e-4 pull / 1e-6 ivar / 1e-6 resolution"
            equivalence+=("\"full-frame-$solver\": {\"input_as_prepared\": $full_same, \"report\": $(json_or_null "$work/full-$solver-report.json"), \"vs_cpu\": $(json_or_null "$work/full-$solver-vs-cpu.json")}")
        done
    fi

    # 5. The eigh study's GPU points: the block size of signal decorrelation (74) and of noise decorrelation (~518).
    if [[ $dry != 1 ]]; then
        limited 150 "$gx" eigh-bench --backend cuda --sizes 16,32,74,128,256,518,1024 --batch 1,256 --precision f64,f32 \
            --repeat 3 --point-budget 5 --json "$work/eigh.json" || fail "eigh-bench --backend cuda failed"
    else
        say "eigh-bench --backend cuda: not run (dry run)"
    fi

    # 6. Timing of the full frame with each solver, and the model of both.
    limited 60 "$gx" gpu-benchmark --model-only --json "$work/model.json" > /dev/null || fail "the FLOP model failed"
    if [[ $full_ok == 1 ]]; then
        limited 150 "$gx" gpu-benchmark -i "$preproc_file" -p "$psf_file" -w "$wave" --specmin 0 --nspec 500 --backend "$backend" \
            --device-solver band --repeat 3 --json "$work/benchmark.json" || fail "full-frame timing (band solver) failed"
        limited 150 "$gx" gpu-benchmark -i "$preproc_file" -p "$psf_file" -w "$wave" --specmin 0 --nspec 500 --backend "$backend" \
            --device-solver dense --repeat 2 --json "$work/benchmark-dense.json" || fail "full-frame timing (dense solver) failed"
    fi

    local result=$out/gpu-$tag-$stamp.json
    [[ $dry == 1 ]] && result=$out/gpu-dry-run-$stamp.json
    {
        echo "{"
        echo "  \"date\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\","
        echo "  \"host\": \"$(hostname)\","
        echo "  \"gpuextract\": \"$("$gx" --version)\","
        echo "  \"backend\": \"$backend\","
        echo "  \"gpu\": \"$gpu\","
        echo "  \"devices\": $(json_or_null "$work/devices.json"),"
        echo "  \"sanitizer\": {\"tool\": \"$sanitizer\", \"memcheck_passed\": $memcheck, \"racecheck_passed\": $racecheck},"
        echo "  \"equivalence\": {"
        local i sep
        for i in ${equivalence[@]+"${!equivalence[@]}"}; do
            sep=,; [[ $i -eq $((${#equivalence[@]} - 1)) ]] && sep=
            echo "    ${equivalence[$i]}$sep"
        done
        echo "  },"
        echo "  \"eigh\": $(json_or_null "$work/eigh.json"),"
        echo "  \"benchmark\": $(json_or_null "$work/benchmark.json"),"
        echo "  \"benchmark_dense\": $(json_or_null "$work/benchmark-dense.json"),"
        echo "  \"model\": $(json_or_null "$work/model.json"),"
        echo "  \"failures\": ["
        for i in ${failures[@]+"${!failures[@]}"}; do
            sep=,; [[ $i -eq $((${#failures[@]} - 1)) ]] && sep=
            echo "    \"${failures[$i]//\"/\\\"}\"$sep"
        done
        echo "  ],"
        echo "  \"passed\": $([[ ${#failures[@]} -eq 0 ]] && echo true || echo false)"
        echo "}"
    } > "$result"
    cp "$log" "${result%.json}.log"
    say "results: $result"
    if [[ ${#failures[@]} -gt 0 ]]; then
        say "FAILED: ${failures[@]+"${failures[*]}"}"
        exit 1
    fi
    say "all checks passed"
}

case "$mode" in
    prepare) prepare ;;
    run) run_check ;;
    *)
        echo "usage: perf/gpu-check.sh prepare|run [DIR]   (see the top of the script)" >&2
        exit 2
        ;;
esac
