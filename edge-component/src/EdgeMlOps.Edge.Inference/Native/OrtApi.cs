using System.Runtime.InteropServices;

namespace EdgeMlOps.Edge.Inference.Native;

/// <summary>
/// The ONNX Runtime C API function table (<c>struct OrtApi</c> in onnxruntime_c_api.h), mirrored up to
/// <c>AddSessionConfigEntry</c>. The field order MUST match the header: the table is an ABI that ONNX Runtime only
/// ever appends to, so a prefix of it is valid for every later release. Entries this project does not call are
/// kept as <see cref="IntPtr"/> placeholders so the offsets stay right.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct OrtApi
{
    // OrtStatus* CreateStatus(OrtErrorCode code, const char* msg)
    public IntPtr CreateStatus;
    // OrtErrorCode GetErrorCode(const OrtStatus* status)
    public delegate* unmanaged<IntPtr, int> GetErrorCode;
    // const char* GetErrorMessage(const OrtStatus* status)
    public delegate* unmanaged<IntPtr, IntPtr> GetErrorMessage;
    // CreateEnv(OrtLoggingLevel log_severity_level, const char* logid, OrtEnv** out)
    public delegate* unmanaged<int, byte*, IntPtr*, IntPtr> CreateEnv;
    public IntPtr CreateEnvWithCustomLogger;
    public IntPtr EnableTelemetryEvents;
    public IntPtr DisableTelemetryEvents;
    // CreateSession(const OrtEnv* env, const char* model_path, const OrtSessionOptions* options, OrtSession** out)
    public delegate* unmanaged<IntPtr, byte*, IntPtr, IntPtr*, IntPtr> CreateSession;
    // CreateSessionFromArray(env, const void* model_data, size_t model_data_length, options, OrtSession** out)
    public delegate* unmanaged<IntPtr, byte*, nuint, IntPtr, IntPtr*, IntPtr> CreateSessionFromArray;
    // Run(session, run_options, const char* const* input_names, const OrtValue* const* inputs, size_t input_len,
    //     const char* const* output_names, size_t output_names_len, OrtValue** outputs)
    public delegate* unmanaged<IntPtr, IntPtr, IntPtr*, IntPtr*, nuint, IntPtr*, nuint, IntPtr*, IntPtr> Run;
    // CreateSessionOptions(OrtSessionOptions** options)
    public delegate* unmanaged<IntPtr*, IntPtr> CreateSessionOptions;
    public IntPtr SetOptimizedModelFilePath;
    public IntPtr CloneSessionOptions;
    public IntPtr SetSessionExecutionMode;
    public IntPtr EnableProfiling;
    public IntPtr DisableProfiling;
    public IntPtr EnableMemPattern;
    public IntPtr DisableMemPattern;
    public IntPtr EnableCpuMemArena;
    public IntPtr DisableCpuMemArena;
    public IntPtr SetSessionLogId;
    public IntPtr SetSessionLogVerbosityLevel;
    public IntPtr SetSessionLogSeverityLevel;
    // SetSessionGraphOptimizationLevel(OrtSessionOptions* options, GraphOptimizationLevel level)
    public delegate* unmanaged<IntPtr, int, IntPtr> SetSessionGraphOptimizationLevel;
    // SetIntraOpNumThreads(OrtSessionOptions* options, int intra_op_num_threads)
    public delegate* unmanaged<IntPtr, int, IntPtr> SetIntraOpNumThreads;
    // SetInterOpNumThreads(OrtSessionOptions* options, int inter_op_num_threads)
    public delegate* unmanaged<IntPtr, int, IntPtr> SetInterOpNumThreads;
    public IntPtr CreateCustomOpDomain;
    public IntPtr CustomOpDomain_Add;
    public IntPtr AddCustomOpDomain;
    public IntPtr RegisterCustomOpsLibrary;
    // SessionGetInputCount(const OrtSession* session, size_t* out)
    public delegate* unmanaged<IntPtr, nuint*, IntPtr> SessionGetInputCount;
    // SessionGetOutputCount(const OrtSession* session, size_t* out)
    public delegate* unmanaged<IntPtr, nuint*, IntPtr> SessionGetOutputCount;
    public IntPtr SessionGetOverridableInitializerCount;
    // SessionGetInputTypeInfo(const OrtSession* session, size_t index, OrtTypeInfo** type_info)
    public delegate* unmanaged<IntPtr, nuint, IntPtr*, IntPtr> SessionGetInputTypeInfo;
    // SessionGetOutputTypeInfo(const OrtSession* session, size_t index, OrtTypeInfo** type_info)
    public delegate* unmanaged<IntPtr, nuint, IntPtr*, IntPtr> SessionGetOutputTypeInfo;
    public IntPtr SessionGetOverridableInitializerTypeInfo;
    // SessionGetInputName(const OrtSession* session, size_t index, OrtAllocator* allocator, char** value)
    public delegate* unmanaged<IntPtr, nuint, IntPtr, IntPtr*, IntPtr> SessionGetInputName;
    // SessionGetOutputName(const OrtSession* session, size_t index, OrtAllocator* allocator, char** value)
    public delegate* unmanaged<IntPtr, nuint, IntPtr, IntPtr*, IntPtr> SessionGetOutputName;
    public IntPtr SessionGetOverridableInitializerName;
    public IntPtr CreateRunOptions;
    public IntPtr RunOptionsSetRunLogVerbosityLevel;
    public IntPtr RunOptionsSetRunLogSeverityLevel;
    public IntPtr RunOptionsSetRunTag;
    public IntPtr RunOptionsGetRunLogVerbosityLevel;
    public IntPtr RunOptionsGetRunLogSeverityLevel;
    public IntPtr RunOptionsGetRunTag;
    public IntPtr RunOptionsSetTerminate;
    public IntPtr RunOptionsUnsetTerminate;
    public IntPtr CreateTensorAsOrtValue;
    // CreateTensorWithDataAsOrtValue(const OrtMemoryInfo* info, void* p_data, size_t p_data_len,
    //     const int64_t* shape, size_t shape_len, ONNXTensorElementDataType type, OrtValue** out)
    public delegate* unmanaged<IntPtr, void*, nuint, long*, nuint, int, IntPtr*, IntPtr> CreateTensorWithDataAsOrtValue;
    public IntPtr IsTensor;
    // GetTensorMutableData(OrtValue* value, void** out)
    public delegate* unmanaged<IntPtr, void**, IntPtr> GetTensorMutableData;
    public IntPtr FillStringTensor;
    public IntPtr GetStringTensorDataLength;
    public IntPtr GetStringTensorContent;
    // CastTypeInfoToTensorInfo(const OrtTypeInfo* type_info, const OrtTensorTypeAndShapeInfo** out) — out is not owned
    public delegate* unmanaged<IntPtr, IntPtr*, IntPtr> CastTypeInfoToTensorInfo;
    public IntPtr GetOnnxTypeFromTypeInfo;
    public IntPtr CreateTensorTypeAndShapeInfo;
    public IntPtr SetTensorElementType;
    public IntPtr SetDimensions;
    // GetTensorElementType(const OrtTensorTypeAndShapeInfo* info, ONNXTensorElementDataType* out)
    public delegate* unmanaged<IntPtr, int*, IntPtr> GetTensorElementType;
    // GetDimensionsCount(const OrtTensorTypeAndShapeInfo* info, size_t* out)
    public delegate* unmanaged<IntPtr, nuint*, IntPtr> GetDimensionsCount;
    // GetDimensions(const OrtTensorTypeAndShapeInfo* info, int64_t* dim_values, size_t dim_values_length)
    public delegate* unmanaged<IntPtr, long*, nuint, IntPtr> GetDimensions;
    public IntPtr GetSymbolicDimensions;
    public IntPtr GetTensorShapeElementCount;
    // GetTensorTypeAndShape(const OrtValue* value, OrtTensorTypeAndShapeInfo** out) — out is owned by the caller
    public delegate* unmanaged<IntPtr, IntPtr*, IntPtr> GetTensorTypeAndShape;
    public IntPtr GetTypeInfo;
    public IntPtr GetValueType;
    public IntPtr CreateMemoryInfo;
    // CreateCpuMemoryInfo(OrtAllocatorType type, OrtMemType mem_type, OrtMemoryInfo** out)
    public delegate* unmanaged<int, int, IntPtr*, IntPtr> CreateCpuMemoryInfo;
    public IntPtr CompareMemoryInfo;
    public IntPtr MemoryInfoGetName;
    public IntPtr MemoryInfoGetId;
    public IntPtr MemoryInfoGetMemType;
    public IntPtr MemoryInfoGetType;
    public IntPtr AllocatorAlloc;
    // AllocatorFree(OrtAllocator* ort_allocator, void* p)
    public delegate* unmanaged<IntPtr, IntPtr, IntPtr> AllocatorFree;
    public IntPtr AllocatorGetInfo;
    // GetAllocatorWithDefaultOptions(OrtAllocator** out) — the returned allocator must not be freed
    public delegate* unmanaged<IntPtr*, IntPtr> GetAllocatorWithDefaultOptions;
    public IntPtr AddFreeDimensionOverride;
    public IntPtr GetValue;
    public IntPtr GetValueCount;
    public IntPtr CreateValue;
    public IntPtr CreateOpaqueValue;
    public IntPtr GetOpaqueValue;
    public IntPtr KernelInfoGetAttribute_float;
    public IntPtr KernelInfoGetAttribute_int64;
    public IntPtr KernelInfoGetAttribute_string;
    public IntPtr KernelContext_GetInputCount;
    public IntPtr KernelContext_GetOutputCount;
    public IntPtr KernelContext_GetInput;
    public IntPtr KernelContext_GetOutput;
    // void Release<Type>(Ort<Type>* input)
    public delegate* unmanaged<IntPtr, void> ReleaseEnv;
    public delegate* unmanaged<IntPtr, void> ReleaseStatus;
    public delegate* unmanaged<IntPtr, void> ReleaseMemoryInfo;
    public delegate* unmanaged<IntPtr, void> ReleaseSession;
    public delegate* unmanaged<IntPtr, void> ReleaseValue;
    public delegate* unmanaged<IntPtr, void> ReleaseRunOptions;
    public delegate* unmanaged<IntPtr, void> ReleaseTypeInfo;
    public delegate* unmanaged<IntPtr, void> ReleaseTensorTypeAndShapeInfo;
    public delegate* unmanaged<IntPtr, void> ReleaseSessionOptions;
    public delegate* unmanaged<IntPtr, void> ReleaseCustomOpDomain;
    public IntPtr GetDenotationFromTypeInfo;
    public IntPtr CastTypeInfoToMapTypeInfo;
    public IntPtr CastTypeInfoToSequenceTypeInfo;
    public IntPtr GetMapKeyType;
    public IntPtr GetMapValueType;
    public IntPtr GetSequenceElementType;
    public IntPtr ReleaseMapTypeInfo;
    public IntPtr ReleaseSequenceTypeInfo;
    public IntPtr SessionEndProfiling;
    // SessionGetModelMetadata(const OrtSession* session, OrtModelMetadata** out)
    public delegate* unmanaged<IntPtr, IntPtr*, IntPtr> SessionGetModelMetadata;
    public IntPtr ModelMetadataGetProducerName;
    public IntPtr ModelMetadataGetGraphName;
    public IntPtr ModelMetadataGetDomain;
    public IntPtr ModelMetadataGetDescription;
    // ModelMetadataLookupCustomMetadataMap(const OrtModelMetadata* model_metadata, OrtAllocator* allocator,
    //     const char* key, char** value) — value is null when the key is absent, else freed with the allocator
    public delegate* unmanaged<IntPtr, IntPtr, byte*, IntPtr*, IntPtr> ModelMetadataLookupCustomMetadataMap;
    public IntPtr ModelMetadataGetVersion;
    public delegate* unmanaged<IntPtr, void> ReleaseModelMetadata;
    public IntPtr CreateEnvWithGlobalThreadPools;
    public IntPtr DisablePerSessionThreads;
    public IntPtr CreateThreadingOptions;
    public IntPtr ReleaseThreadingOptions;
    public IntPtr ModelMetadataGetCustomMetadataMapKeys;
    public IntPtr AddFreeDimensionOverrideByName;
    public IntPtr GetAvailableProviders;
    public IntPtr ReleaseAvailableProviders;
    public IntPtr GetStringTensorElementLength;
    public IntPtr GetStringTensorElement;
    public IntPtr FillStringTensorElement;
    // AddSessionConfigEntry(OrtSessionOptions* options, const char* config_key, const char* config_value)
    public delegate* unmanaged<IntPtr, byte*, byte*, IntPtr> AddSessionConfigEntry;
}

/// <summary><c>struct OrtApiBase</c>: the only exported symbol's result.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct OrtApiBase
{
    // const OrtApi* GetApi(uint32_t version)
    public delegate* unmanaged<uint, OrtApi*> GetApi;
    // const char* GetVersionString(void)
    public delegate* unmanaged<IntPtr> GetVersionString;
}
