namespace EdgeMlOps.Cdk.Shared.Configuration;

/// <summary>Collects validation problems for one file, each prefixed with the file name.</summary>
public sealed class ConfigProblems
{
    private readonly List<string> _problems = [];

    public ConfigProblems(string fileName)
    {
        FileName = fileName;
    }

    public string FileName { get; }

    public IReadOnlyList<string> All => _problems;

    public void Add(string message) => _problems.Add($"{FileName}: {message}");
}
