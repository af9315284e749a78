namespace EdgeMlOps.Cdk.Shared.Configuration;

/// <summary>
/// Thrown when a configuration file is invalid. Carries every problem found, not just the first,
/// so a user fixes the whole file in one go.
/// </summary>
public sealed class ConfigurationException : Exception
{
    public ConfigurationException(IReadOnlyList<string> problems)
        : base(FormatMessage(problems))
    {
        Problems = problems;
    }

    /// <summary>One line per problem, each naming the file, the key, the bad value and what is allowed.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string FormatMessage(IReadOnlyList<string> problems) =>
        $"Invalid configuration ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}):"
        + Environment.NewLine
        + string.Join(Environment.NewLine, problems.Select(p => "  - " + p));
}
