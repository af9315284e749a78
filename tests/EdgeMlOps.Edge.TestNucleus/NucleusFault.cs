namespace EdgeMlOps.Edge.TestNucleus;

/// <summary>A one-shot misbehaviour for the next request of an operation (see <see cref="TestNucleus.InjectFault"/>).</summary>
public enum NucleusFault
{
    /// <summary>Close the connection without answering (the request is logged in Operations, not acted on).</summary>
    DropConnection,
    /// <summary>Never answer that request; the connection stays up.</summary>
    NoResponse,
    /// <summary>Answer with <c>aws.greengrass#ServiceError</c>.</summary>
    ServiceError,
}
