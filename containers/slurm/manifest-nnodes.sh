#!/bin/bash
# Extract every frame of a manifest (a night, or a whole re-reduction) over N Perlmutter GPU nodes:
# 4 ranks per node, one per GPU. Every rank computes the same cost-balanced assignment from the
# manifest (no coordination between ranks), so N can be anything; more ranks than frames is fine.
#
#   sbatch -A <account>_g -N 16 -t 02:00:00 containers/slurm/manifest-nnodes.sh MANIFEST [OUTDIR]
#
# MANIFEST is CSV (header input,psf,output[,camera,wmin,wmax,dw,psferr,specmin,nspec]) or JSON lines;
# relative paths are relative to the manifest, relative outputs to OUTDIR when given. Resubmit the
# same command after a time-out or a node failure: verified outputs are skipped, the rest is redone.
#
# Environment: GPUEXTRACT_RUNTIME, GPUEXTRACT_IMAGE, GPUEXTRACT_ARGS as in exposure-1node-4gpu.sh;
# GPUEXTRACT_MOUNTS: directories the container must see (default: $PSCRATCH and $CFS when set, and
# the manifest's and OUTDIR's directories).
#
#SBATCH --job-name=gpuextract-manifest
#SBATCH --constraint=gpu
#SBATCH --qos=regular
#SBATCH --nodes=2
#SBATCH --ntasks-per-node=4
#SBATCH --cpus-per-task=32
#SBATCH --gpus-per-task=1
#SBATCH --time=02:00:00
set -euo pipefail

MANIFEST=$(realpath "${1:?usage: sbatch -N NODES manifest-nnodes.sh MANIFEST [OUTDIR]}")
OUTDIR=${2:+$(realpath -m "$2")}
options=(--manifest "$MANIFEST")
if [[ -n $OUTDIR ]]; then
    mkdir -p "$OUTDIR"
    options+=(--outdir "$OUTDIR")
fi

mounts=()
for dir in ${GPUEXTRACT_MOUNTS:-${PSCRATCH:-} ${CFS:-} $(dirname "$MANIFEST") $OUTDIR}; do
    mounts+=(--volume "$dir:$dir")
done
case ${GPUEXTRACT_RUNTIME:-podman-hpc} in
    podman-hpc) launch=(podman-hpc run --rm --gpu --env 'SLURM_*' --env CUDA_VISIBLE_DEVICES
                        "${mounts[@]}" "${GPUEXTRACT_IMAGE:-gpuextract:gpu}") ;;
    shifter)    launch=(shifter "--image=${GPUEXTRACT_IMAGE:?set GPUEXTRACT_IMAGE=docker:REPOSITORY/gpuextract:gpu}" --module=gpu) ;;
    none)       launch=() ;;
    *)          echo "GPUEXTRACT_RUNTIME must be podman-hpc, shifter or none" >&2; exit 2 ;;
esac

echo "$(date -Is) $SLURM_NNODES nodes, $SLURM_NTASKS ranks: $MANIFEST"
status=0
# shellcheck disable=SC2086 # GPUEXTRACT_ARGS is a list of options
srun "${launch[@]}" gpuextract batch "${options[@]}" ${GPUEXTRACT_ARGS:-} || status=$?

# One line per rank from the reports (written even by ranks that were killed, up to their last frame).
for report in "${OUTDIR:-$(dirname "$MANIFEST")}"/batch-report-rank*.json; do
    [[ -e $report ]] || continue
    echo "$(basename "$report"): $(grep -E '^  "(status|extracted|skipped|failed|pending)":' "$report" | tr -d ' \n')"
done
echo "$(date -Is) srun exit status $status (0: all frames done; 1: some failed, resubmit or see the reports)"
exit $status
