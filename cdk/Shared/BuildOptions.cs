namespace EdgeMlOps.Cdk.Shared;

/// <summary>
/// How the synthesis treats code assets. Read once by the entry point from context; constructs get it in props.
/// </summary>
public sealed record BuildOptions
{
    /// <summary>Absolute path of the repository root (the folder holding cdk.json).</summary>
    public required string RepositoryRoot { get; init; }

    /// <summary>
    /// When true, Lambda and component projects are not published and a placeholder asset is used.
    /// Default: false. Template tests set it so they do not pay for <c>dotnet publish</c>.
    /// </summary>
    public bool SkipBundling { get; init; }

    /// <summary>
    /// When true, only the Lambda projects are left unpublished (a placeholder code asset stands in) while other
    /// code assets, such as the Greengrass inference component's zip, are built for real. Default: false. The local
    /// digital twin sets it: it runs the Lambda handlers in its own process but installs the real component.
    /// </summary>
    public bool SkipFunctionBundling { get; init; }

    /// <summary>True when Lambda projects get a placeholder asset (<see cref="SkipBundling"/> or <see cref="SkipFunctionBundling"/>).</summary>
    public bool SkipsFunctionBundling => SkipBundling || SkipFunctionBundling;

    /// <summary>Absolute path of a repository-relative path.</summary>
    public string Resolve(string relativePath) => Path.GetFullPath(Path.Combine(RepositoryRoot, relativePath));
}
