namespace EdgeMlOps.Testing.CloudFormation;

/// <summary>A template cannot be turned into a local definition (unsupported intrinsic, missing resource, …).</summary>
public sealed class TemplateResolutionException : Exception
{
    /// <summary>Creates the exception with a message naming the template path that failed.</summary>
    public TemplateResolutionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying error.</summary>
    public TemplateResolutionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
