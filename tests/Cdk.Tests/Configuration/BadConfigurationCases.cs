using System.Text;

namespace EdgeMlOps.Cdk.Tests.Configuration;

/// <summary>
/// The bad-configuration matrix: each case is the bytes of a broken <c>config/bad.yaml</c> and text every problem
/// list for it must contain. The loader tests and the entry-point tests run the same cases, so a case that makes
/// either produce a stack trace fails.
/// </summary>
public static class BadConfigurationCases
{
    public const string FileName = "config/bad.yaml";

    private static readonly string s_dev = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "config", "dev.yaml"));

    public static TheoryData<string> Names => new(Cases.Keys.Order(StringComparer.Ordinal));

    /// <summary>
    /// The cases that crashed the entry point or leaked a stack trace before (each run starts the jsii runtime, so the
    /// process tests take these, not the whole matrix; the loader tests take every case).
    /// </summary>
    public static TheoryData<string> FormerCrashes => new("unclosed flow sequence", "50,000 nested [", "CDK token string", "class label with /", "tab indentation", "billion laughs");

    public static IReadOnlyDictionary<string, (byte[] Bytes, string[] Expected)> Cases { get; } = Build();

    private static Dictionary<string, (byte[] Bytes, string[] Expected)> Build()
    {
        var epochsLine = LineOf("  epochs: 50");
        var workteamLine = LineOf("  workteamArn: ");
        return new Dictionary<string, (byte[], string[])>(StringComparer.Ordinal)
        {
            ["unclosed flow sequence"] = (Dev("  epochs: 50", "  epochs: [50"), ["not valid YAML at line ", $"training.epochs opens '[' at line {epochsLine}, column 11 without a matching ']'"]),
            ["50,000 nested ["] = (Utf8("account: " + new string('[', 50_000)), ["account[0][0]", "is nested more than 32 levels deep at line 1"]),
            ["CDK token string"] = (Dev("  branch: main", "  branch: ${Token[AWS.AccountId.7]}"), ["sourceRepository.branch must be a literal value, not a CDK token, got '${Token[AWS.AccountId.7]}'"]),
            ["class label with /"] = (Dev("classLabels: [scratch]", "classLabels: [scratch, dent/deep]"), ["labeling.classLabels[1] must be a class label of letters, digits, spaces and _ . : = + - @", "got 'dent/deep'"]),
            ["tab indentation"] = (Dev("  workteamArn: ", "\tworkteamArn: "), [$"not valid YAML at line {workteamLine}, column 1: indented with a tab; YAML indents with spaces only"]),
            ["invalid connectionArn"] = (Dev("  connectionArn: arn:aws:codeconnections", "  connectionArn: not-an-arn #"), ["sourceRepository.connectionArn must be a CodeConnections connection ARN", "got 'not-an-arn'"]),
            ["public workforce lifetime"] = (Dev("    enabled: false\n  incomingPrefix", "    enabled: true\n    taskPriceUsd: 0.036\n  incomingPrefix"), ["labeling.taskAvailabilityLifetimeSeconds must be at most 43200 (12 hours) when publicWorkforce.enabled is true", "got 864000"]),
            ["public task price not allowed"] = (Dev("    enabled: false\n  incomingPrefix", "    enabled: true\n    taskPriceUsd: 0.05\n  incomingPrefix"), ["labeling.publicWorkforce.taskPriceUsd must be one of 0.036, 0.048", "got 0.05"]),
            ["unknown key"] = (Dev("  epochs: 50", "  epochs: 50\n  epocs: 60"), ["training.epocs is not a known key (allowed here: ", "epochs"]),
            ["wrong type"] = (Dev("  epochs: 50", "  epochs: many"), ["training.epochs must be a whole number between 1 and 1000, got 'many'"]),
            ["out of range"] = (Dev("  mapThreshold: 0.5", "  mapThreshold: 1.7"), ["training.mapThreshold must be between 0 and 1, got 1.7"]),
            ["duplicate key"] = (Dev("  epochs: 50", "  epochs: 50\n  epochs: 60"), [$"training.epochs is written twice (lines {epochsLine} and {epochsLine + 1}); each key may appear once"]),
            ["empty file"] = (Utf8(string.Empty), ["is empty; it must be a YAML mapping of keys"]),
            ["billion laughs"] = (Utf8(BillionLaughs()), ["b[0] is an alias (*a) at line 2; aliases are not allowed in configuration files"]),
            ["non-UTF-8 bytes"] = (NonUtf8(), ["is not UTF-8 text: byte 0xFF at line 3"]),
            ["5 MB file"] = (Utf8(s_dev + "# " + new string('x', 5 * 1024 * 1024) + "\n"), ["bytes; a configuration file may hold at most 1,048,576 bytes"]),
        };
    }

    /// <summary>Writes the case as <c>config/bad.yaml</c> below a new folder and returns the folder.</summary>
    public static string WriteWorkspace(string name)
    {
        var workspace = Directory.CreateTempSubdirectory("bad-config-").FullName;
        Directory.CreateDirectory(Path.Combine(workspace, "config"));
        File.WriteAllBytes(Path.Combine(workspace, FileName), Cases[name].Bytes);
        return workspace;
    }

    private static byte[] Dev(string find, string replacement)
    {
        Assert.Contains(find, s_dev, StringComparison.Ordinal);
        return Utf8(s_dev.Replace(find, replacement, StringComparison.Ordinal));
    }

    private static int LineOf(string text) => 1 + s_dev[..s_dev.IndexOf(text, StringComparison.Ordinal)].Count(c => c == '\n');

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static string BillionLaughs()
    {
        var yaml = new StringBuilder("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        var previous = "a";
        foreach (var name in new[] { "b", "c", "d", "e", "f", "g", "h", "i" })
        {
            yaml.Append($"{name}: &{name} [*{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}]\n");
            previous = name;
        }

        return yaml.ToString();
    }

    private static byte[] NonUtf8()
    {
        var bytes = Utf8(s_dev).ToList();
        var thirdLine = bytes.Select((b, i) => (b, i)).Where(x => x.b == (byte)'\n').Skip(1).First().i + 1;
        bytes.Insert(thirdLine, 0xFF);
        return [.. bytes];
    }
}
