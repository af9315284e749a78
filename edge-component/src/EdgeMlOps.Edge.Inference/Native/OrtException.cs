namespace EdgeMlOps.Edge.Inference.Native;

/// <summary>An error reported by ONNX Runtime (its message and <c>OrtErrorCode</c>) or by loading it.</summary>
public sealed class OrtException : Exception
{
    public OrtException(string message, int errorCode = -1)
        : base(errorCode >= 0 ? $"ONNX Runtime error {errorCode}: {message}" : message)
    {
        ErrorCode = errorCode;
    }

    public OrtException()
    {
    }

    public OrtException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The <c>OrtErrorCode</c>, or -1 when the error did not come from a status.</summary>
    public int ErrorCode { get; } = -1;
}
