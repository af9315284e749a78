using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace EdgeMlOps.Cdk.Shared.Constructs;

/// <summary>
/// Publishes a .NET project with <c>dotnet publish</c> into <c>.build/publish/&lt;name&gt;</c> and reuses the
/// output while the sources are unchanged (a hash of every source file is kept beside it). Publishing is
/// serialised through a lock file because tests and synths may run side by side.
/// </summary>
public static class DotnetPublisher
{
    private static readonly string[] SourcePatterns = ["*.cs", "*.csproj", "*.json", "*.props", "*.targets"];

    /// <summary>Returns the folder holding the published output of <paramref name="projectDirectory"/>.</summary>
    public static string Publish(string repositoryRoot, string projectDirectory, string extraArguments = "")
    {
        var projectPath = Path.GetFullPath(Path.Combine(repositoryRoot, projectDirectory));
        var project = Directory.GetFiles(projectPath, "*.csproj").SingleOrDefault()
            ?? throw new InvalidOperationException($"No single .csproj found in {projectPath}");
        var name = Path.GetFileNameWithoutExtension(project);
        var output = Path.Combine(repositoryRoot, ".build", "publish", name);
        var stampFile = output + ".sha256";
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);

        using var _ = AcquireLock(Path.Combine(repositoryRoot, ".build", "publish.lock"));
        var hash = HashSources(repositoryRoot, projectPath, extraArguments);
        if (File.Exists(stampFile) && File.ReadAllText(stampFile) == hash && Directory.Exists(output))
        {
            return output;
        }

        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }

        var arguments = $"publish \"{project}\" -c Release -o \"{output}\" -p:UseAppHost=false -p:GenerateDocumentationFile=false --nologo -v:q {extraArguments}";
        var start = new ProcessStartInfo("dotnet", arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = repositoryRoot,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish of {projectDirectory} failed ({process.ExitCode}):{System.Environment.NewLine}{stdout.Result}{stderr.Result}");
        }

        File.WriteAllText(stampFile, hash);
        return output;
    }

    private static string HashSources(string repositoryRoot, string projectPath, string extraArguments)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(extraArguments));
        var files = SourcePatterns
            .SelectMany(p => Directory.EnumerateFiles(projectPath, p, SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Concat(new[] { "Directory.Build.props", "Directory.Packages.props", "global.json" }.Select(f => Path.Combine(repositoryRoot, f)).Where(File.Exists))
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(repositoryRoot, file)));
            sha.AppendData(File.ReadAllBytes(file));
        }

        // Referenced projects change the output too.
        foreach (var reference in ProjectReferences(projectPath))
        {
            sha.AppendData(Encoding.UTF8.GetBytes(HashSources(repositoryRoot, reference, string.Empty)));
        }

        return Convert.ToHexString(sha.GetHashAndReset());
    }

    private static IEnumerable<string> ProjectReferences(string projectPath)
    {
        foreach (var project in Directory.GetFiles(projectPath, "*.csproj"))
        {
            var xml = System.Xml.Linq.XDocument.Load(project);
            foreach (var include in xml.Descendants("ProjectReference").Select(e => e.Attribute("Include")?.Value).OfType<string>())
            {
                var referenced = Path.GetFullPath(Path.Combine(projectPath, include.Replace('\\', Path.DirectorySeparatorChar)));
                yield return Path.GetDirectoryName(referenced)!;
            }
        }
    }

    private static FileStream AcquireLock(string path)
    {
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }
}
