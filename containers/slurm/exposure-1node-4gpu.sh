#!/bin/bash
# Extract one DESI exposure -- 30 frames: cameras b, r, z of spectrographs 0-9 -- on one Perlmutter GPU
# node (4 x A100): srun starts 4 ranks, one GPU each; every rank takes its cost-balanced share of the
# 30 frames (about 8) and reads its next frame while the current one extracts.
#
#   sbatch -A <account>_g containers/slurm/exposure-1node-4gpu.sh NIGHT EXPID
#
# Resubmitting the same command resumes: frames whose output exists and verifies are skipped, a
# truncated or corrupt output is redone. Frames are written to $REDUX/exposures/NIGHT/EXPID with
# one JSON report per rank (batch-report-rank<R>.json) beside them.
#
# Environment (export before sbatch):
#   REDUX               production directory with preproc/ and exposures/
#                       (default: $DESI_SPECTRO_REDUX/$SPECPROD)
#   GPUEXTRACT_RUNTIME  podman-hpc (default), shifter, or none (gpuextract on PATH)
#   GPUEXTRACT_IMAGE    podman-hpc: gpuextract:gpu (default, after podman-hpc migrate);
#                       shifter: e.g. docker:registry.nersc.gov/<project>/gpuextract:gpu
#   SPECTROGRAPHS       default "0 1 2 3 4 5 6 7 8 9"
#   ARMS                default "b r z" (each row's camera sets DESI's grid: b 3600-5800, r 5760-7620,
#                       z 7520-9824 A in 0.8 A steps; b with psferr 0.04)
#   GPUEXTRACT_ARGS     more batch options, e.g. "--backend cuda"
#
#SBATCH --job-name=gpuextract-exposure
#SBATCH --constraint=gpu
#SBATCH --qos=regular
#SBATCH --nodes=1
#SBATCH --ntasks-per-node=4
#SBATCH --cpus-per-task=32
#SBATCH --gpus-per-task=1
#SBATCH --time=00:30:00
set -euo pipefail

usage="usage: sbatch exposure-1node-4gpu.sh NIGHT EXPID"
NIGHT=${1:?$usage}
EXPID=$(printf '%08d' "${2:?$usage}")
REDUX=${REDUX:-${DESI_SPECTRO_REDUX:?set REDUX, or DESI_SPECTRO_REDUX and SPECPROD}/${SPECPROD:?set SPECPROD}}
OUTDIR=$REDUX/exposures/$NIGHT/$EXPID
mkdir -p "$OUTDIR"

# One row per camera. Relative paths are relative to the manifest, which lives in OUTDIR: the
# per-exposure PSFs and the frames are there, the preproc images are not.
MANIFEST=$OUTDIR/gpuextract-$EXPID.csv
{
    echo "input,psf,output,camera"
    for spectrograph in ${SPECTROGRAPHS:-0 1 2 3 4 5 6 7 8 9}; do
        for arm in ${ARMS:-b r z}; do
            camera=$arm$spectrograph
            echo "$REDUX/preproc/$NIGHT/$EXPID/preproc-$camera-$EXPID.fits.gz,psf-$camera-$EXPID.fits,frame-$camera-$EXPID.fits,$camera"
        done
    done
} > "$MANIFEST"

# How each task runs gpuextract. Every task finds its rank from SLURM_PROCID/SLURM_STEP_NUM_TASKS/
# SLURM_LOCALID; podman does not pass the host environment, so --env 'SLURM_*' hands them over.
case ${GPUEXTRACT_RUNTIME:-podman-hpc} in
    podman-hpc) launch=(podman-hpc run --rm --gpu --env 'SLURM_*' --env CUDA_VISIBLE_DEVICES
                        --volume "$REDUX:$REDUX" "${GPUEXTRACT_IMAGE:-gpuextract:gpu}") ;;
    shifter)    launch=(shifter "--image=${GPUEXTRACT_IMAGE:?set GPUEXTRACT_IMAGE=docker:REPOSITORY/gpuextract:gpu}" --module=gpu) ;;
    none)       launch=() ;;
    *)          echo "GPUEXTRACT_RUNTIME must be podman-hpc, shifter or none" >&2; exit 2 ;;
esac

# Exit status: 0 when every frame is done, 1 when some failed (see the reports), 2 for bad usage.
# shellcheck disable=SC2086 # GPUEXTRACT_ARGS is a list of options
srun "${launch[@]}" gpuextract batch --manifest "$MANIFEST" ${GPUEXTRACT_ARGS:-}
