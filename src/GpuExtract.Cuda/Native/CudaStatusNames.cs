namespace GpuExtract.Cuda.Native;

/// <summary>
/// Names of cuBLAS and cuSOLVER status codes (from their public headers), for messages when the library
/// has no name function of its own (cublasGetStatusName appeared in CUDA 11.4; cuSOLVER has none).
/// </summary>
internal static class CudaStatusNames
{
    public static string Cublas(int status) => status switch
    {
        0 => "CUBLAS_STATUS_SUCCESS",
        1 => "CUBLAS_STATUS_NOT_INITIALIZED",
        3 => "CUBLAS_STATUS_ALLOC_FAILED",
        7 => "CUBLAS_STATUS_INVALID_VALUE",
        8 => "CUBLAS_STATUS_ARCH_MISMATCH",
        11 => "CUBLAS_STATUS_MAPPING_ERROR",
        13 => "CUBLAS_STATUS_EXECUTION_FAILED",
        14 => "CUBLAS_STATUS_INTERNAL_ERROR",
        15 => "CUBLAS_STATUS_NOT_SUPPORTED",
        16 => "CUBLAS_STATUS_LICENSE_ERROR",
        _ => $"CUBLAS_STATUS_{status}",
    };

    public static string Cusolver(int status) => status switch
    {
        0 => "CUSOLVER_STATUS_SUCCESS",
        1 => "CUSOLVER_STATUS_NOT_INITIALIZED",
        2 => "CUSOLVER_STATUS_ALLOC_FAILED",
        3 => "CUSOLVER_STATUS_INVALID_VALUE",
        4 => "CUSOLVER_STATUS_ARCH_MISMATCH",
        5 => "CUSOLVER_STATUS_MAPPING_ERROR",
        6 => "CUSOLVER_STATUS_EXECUTION_FAILED",
        7 => "CUSOLVER_STATUS_INTERNAL_ERROR",
        8 => "CUSOLVER_STATUS_MATRIX_TYPE_NOT_SUPPORTED",
        9 => "CUSOLVER_STATUS_NOT_SUPPORTED",
        10 => "CUSOLVER_STATUS_ZERO_PIVOT",
        11 => "CUSOLVER_STATUS_INVALID_LICENSE",
        12 => "CUSOLVER_STATUS_IRS_PARAMS_NOT_INITIALIZED",
        13 => "CUSOLVER_STATUS_IRS_PARAMS_INVALID",
        14 => "CUSOLVER_STATUS_IRS_PARAMS_INVALID_PREC",
        15 => "CUSOLVER_STATUS_IRS_PARAMS_INVALID_REFINE",
        16 => "CUSOLVER_STATUS_IRS_PARAMS_INVALID_MAXITER",
        20 => "CUSOLVER_STATUS_IRS_INTERNAL_ERROR",
        21 => "CUSOLVER_STATUS_IRS_NOT_SUPPORTED",
        22 => "CUSOLVER_STATUS_IRS_OUT_OF_RANGE",
        23 => "CUSOLVER_STATUS_IRS_NRHS_NOT_SUPPORTED_FOR_REFINE_GMRES",
        25 => "CUSOLVER_STATUS_IRS_INFOS_NOT_INITIALIZED",
        26 => "CUSOLVER_STATUS_IRS_INFOS_NOT_DESTROYED",
        30 => "CUSOLVER_STATUS_IRS_MATRIX_SINGULAR",
        31 => "CUSOLVER_STATUS_INVALID_WORKSPACE",
        _ => $"CUSOLVER_STATUS_{status}",
    };

    /// <summary>NVRTC result names (nvrtcGetErrorString returns these same names).</summary>
    public static string Nvrtc(int status) => status switch
    {
        0 => "NVRTC_SUCCESS",
        1 => "NVRTC_ERROR_OUT_OF_MEMORY",
        2 => "NVRTC_ERROR_PROGRAM_CREATION_FAILURE",
        3 => "NVRTC_ERROR_INVALID_INPUT",
        4 => "NVRTC_ERROR_INVALID_PROGRAM",
        5 => "NVRTC_ERROR_INVALID_OPTION",
        6 => "NVRTC_ERROR_COMPILATION",
        7 => "NVRTC_ERROR_BUILTIN_OPERATION_FAILURE",
        8 => "NVRTC_ERROR_NO_NAME_EXPRESSIONS_AFTER_COMPILATION",
        9 => "NVRTC_ERROR_NO_LOWERED_NAMES_BEFORE_COMPILATION",
        10 => "NVRTC_ERROR_NAME_EXPRESSION_NOT_VALID",
        11 => "NVRTC_ERROR_INTERNAL_ERROR",
        _ => $"NVRTC_ERROR_{status}",
    };
}
