using EdgeMlOps.Edge.Packaging;

// Usage: EdgeMlOps.Edge.Package --project <component.csproj> --out <folder> [--images <folder>]
// ONNX Runtime's linux-x64 and linux-arm64 libraries come from the NuGet package with the published component.
// Prints the zip's path and its SHA-256; the zip is the artifact Greengrass unpacks (InferenceArtifactLayout).
const string Usage = "Usage: EdgeMlOps.Edge.Package --project <csproj> --out <folder> [--images <folder>]";
var values = new Dictionary<string, string>(StringComparer.Ordinal);
string[] known = ["--project", "--out", "--images"];
for (var i = 0; i < args.Length; i++)
{
    if (!known.Contains(args[i]) || i + 1 >= args.Length)
    {
        Console.Error.WriteLine($"Unknown argument or missing value: '{args[i]}'. {Usage}");
        return 2;
    }

    values[args[i]] = args[++i];
}

var missing = known.Take(2).Where(k => !values.ContainsKey(k)).ToList();
if (missing.Count > 0)
{
    Console.Error.WriteLine($"Missing {string.Join(", ", missing)}. {Usage}");
    return 2;
}

try
{
    var package = await new InferenceComponentPackager(new InferenceComponentPackagerProps
    {
        ComponentProject = values["--project"],
        SampleImagesDirectory = values.GetValueOrDefault("--images"),
        OutputDirectory = values["--out"],
    }).PackageAsync().ConfigureAwait(false);
    Console.WriteLine($"zip\t{package.ZipPath}");
    Console.WriteLine($"sha256\t{package.ContentHash}");
    Console.WriteLine($"entries\t{package.Entries.Count}");
    return 0;
}
catch (Exception e) when (e is ArgumentException or InvalidOperationException)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
