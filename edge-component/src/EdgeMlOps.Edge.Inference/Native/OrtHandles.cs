using System.Runtime.InteropServices;

namespace EdgeMlOps.Edge.Inference.Native;

/// <summary>Base for ONNX Runtime objects: one handle type per object, released only from ReleaseHandle.</summary>
internal abstract class OrtHandle : SafeHandle
{
    protected OrtHandle(OrtRuntime runtime, IntPtr handle)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        Runtime = runtime;
        SetHandle(handle);
    }

    protected OrtRuntime Runtime { get; }

    public override bool IsInvalid => handle == IntPtr.Zero;
}

internal sealed unsafe class OrtEnvHandle(OrtRuntime runtime, IntPtr handle) : OrtHandle(runtime, handle)
{
    protected override bool ReleaseHandle()
    {
        Runtime.Api->ReleaseEnv(handle);
        return true;
    }
}

internal sealed unsafe class OrtSessionOptionsHandle(OrtRuntime runtime, IntPtr handle) : OrtHandle(runtime, handle)
{
    protected override bool ReleaseHandle()
    {
        Runtime.Api->ReleaseSessionOptions(handle);
        return true;
    }
}

internal sealed unsafe class OrtSessionHandle(OrtRuntime runtime, IntPtr handle) : OrtHandle(runtime, handle)
{
    protected override bool ReleaseHandle()
    {
        Runtime.Api->ReleaseSession(handle);
        return true;
    }
}

internal sealed unsafe class OrtValueHandle(OrtRuntime runtime, IntPtr handle) : OrtHandle(runtime, handle)
{
    protected override bool ReleaseHandle()
    {
        Runtime.Api->ReleaseValue(handle);
        return true;
    }
}

internal sealed unsafe class OrtMemoryInfoHandle(OrtRuntime runtime, IntPtr handle) : OrtHandle(runtime, handle)
{
    protected override bool ReleaseHandle()
    {
        Runtime.Api->ReleaseMemoryInfo(handle);
        return true;
    }
}

internal sealed unsafe class OrtTypeInfoHandle(OrtRuntime runtime, IntPtr handle) : OrtHandle(runtime, handle)
{
    protected override bool ReleaseHandle()
    {
        Runtime.Api->ReleaseTypeInfo(handle);
        return true;
    }
}

internal sealed unsafe class OrtTensorTypeAndShapeInfoHandle(OrtRuntime runtime, IntPtr handle)
    : OrtHandle(runtime, handle)
{
    protected override bool ReleaseHandle()
    {
        Runtime.Api->ReleaseTensorTypeAndShapeInfo(handle);
        return true;
    }
}

internal sealed unsafe class OrtModelMetadataHandle(OrtRuntime runtime, IntPtr handle) : OrtHandle(runtime, handle)
{
    protected override bool ReleaseHandle()
    {
        Runtime.Api->ReleaseModelMetadata(handle);
        return true;
    }
}
