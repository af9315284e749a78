using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using EdgeMlOps.Contracts;

namespace EdgeMlOps.Edge.Packaging;

/// <summary>Inputs of <see cref="InferenceComponentPackager"/>.</summary>
public sealed record InferenceComponentPackagerProps
{
    /// <summary>EdgeMlOps.Edge.Component.csproj. Required unless <see cref="PublishedDirectory"/> is given.</summary>
    public string? ComponentProject { get; init; }

    /// <summary>An already published application folder to package as is. Default: null (the packager publishes).</summary>
    public string? PublishedDirectory { get; init; }

    /// <summary>Images for the simulated camera, shipped under sample-images/. Default: none.</summary>
    public string? SampleImagesDirectory { get; init; }

    /// <summary>Folder receiving the zip (and the publish output). Required.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Zip name without extension (Greengrass unpacks into a folder of this name). Default: edge-inference.</summary>
    public string ArchiveName { get; init; } = InferenceArtifactLayout.DefaultArchiveName;

    /// <summary>The dotnet executable. Default: "dotnet" from PATH.</summary>
    public string Dotnet { get; init; } = "dotnet";
}

/// <summary>The packaged artifact: its path, the SHA-256 of its bytes (lower-case hex) and its entries.</summary>
public sealed record InferencePackage(string ZipPath, string ContentHash, IReadOnlyList<string> Entries);

/// <summary>
/// Publishes the component (Release, framework-dependent, portable, no apphost, no debug symbols) and zips it with
/// the sample images, keeping of the Microsoft.ML.OnnxRuntime package's native libraries only linux-x64 and
/// linux-arm64 (the platforms the recipe targets) and adding their SHA-256 manifest. The zip is deterministic — entries sorted, fixed timestamps
/// and permissions — so its hash changes only when its content does, and the edge deployment app can derive the
/// component version from <see cref="InferencePackage.ContentHash"/>.
/// </summary>
public sealed class InferenceComponentPackager(InferenceComponentPackagerProps props)
{
    private static readonly DateTimeOffset FixedTimestamp = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public async Task<InferencePackage> PackageAsync(CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(props);
        var problems = new List<string>();
        if (props.PublishedDirectory is null && (props.ComponentProject is null || !File.Exists(props.ComponentProject)))
        {
            problems.Add($"ComponentProject '{props.ComponentProject}' does not exist (or give PublishedDirectory).");
        }

        if (props.SampleImagesDirectory is not null && !Directory.Exists(props.SampleImagesDirectory))
        {
            problems.Add($"SampleImagesDirectory '{props.SampleImagesDirectory}' does not exist.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Cannot package the inference component: " + string.Join(" ", problems), nameof(props));
        }

        Directory.CreateDirectory(props.OutputDirectory);
        var published = props.PublishedDirectory ?? await PublishAsync(cancellationToken).ConfigureAwait(false);

        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(published, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(published, file).Replace('\\', '/');
            if (!relative.EndsWith(".pdb", StringComparison.Ordinal) && InferenceArtifactLayout.IsShipped(relative))
            {
                files[relative] = file;
            }
        }

        var missing = InferenceArtifactLayout.Platforms.Select(p => InferenceArtifactLayout.OnnxRuntimeEntry(p.RuntimeIdentifier))
            .Where(entry => !files.ContainsKey(entry)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"The published component in '{published}' lacks {string.Join(", ", missing)} (the Microsoft.ML.OnnxRuntime package's native libraries).");
        }

        // Written at packaging time, checked by the component before it loads a native library.
        var manifest = Path.Combine(props.OutputDirectory, NativeLibraryManifest.FileName);
        await File.WriteAllTextAsync(manifest, NativeLibraryManifest.Format(files
            .Where(f => f.Key.StartsWith(InferenceArtifactLayout.RuntimesFolder + "/", StringComparison.Ordinal))
            .Select(f => KeyValuePair.Create(f.Key, NativeLibraryManifest.HashFile(f.Value)))), cancellationToken).ConfigureAwait(false);
        files[NativeLibraryManifest.FileName] = manifest;
        if (props.SampleImagesDirectory is { } images)
        {
            foreach (var file in Directory.EnumerateFiles(images).Where(f => !Path.GetFileName(f).StartsWith('.')))
            {
                files[$"{InferenceArtifactLayout.SampleImagesFolder}/{Path.GetFileName(file)}"] = file;
            }
        }

        var zipPath = Path.Combine(props.OutputDirectory, props.ArchiveName + ".zip");
        WriteZip(zipPath, files);
        string hash;
        await using (var zipStream = File.OpenRead(zipPath))
        {
            hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(zipStream, cancellationToken).ConfigureAwait(false));
        }

        return new InferencePackage(zipPath, hash, [.. files.Keys]);
    }

    private static void WriteZip(string zipPath, SortedDictionary<string, string> files)
    {
        var temporary = zipPath + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create))
        {
            foreach (var (entryName, source) in files)
            {
                var entry = zip.CreateEntry(entryName, CompressionLevel.Optimal);
                entry.LastWriteTime = FixedTimestamp;
                // Unix mode 0644 in the upper 16 bits: same bytes whatever the source file's mode.
                entry.ExternalAttributes = 0x81A4 << 16;
                using var input = File.OpenRead(source);
                using var output = entry.Open();
                input.CopyTo(output);
            }
        }

        File.Move(temporary, zipPath, overwrite: true);
    }

    private async Task<string> PublishAsync(CancellationToken cancellationToken)
    {
        var output = Path.Combine(props.OutputDirectory, "publish");
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }

        var start = new ProcessStartInfo(props.Dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            "publish", props.ComponentProject!, "-c", "Release", "-o", output, "--nologo",
            "-p:UseAppHost=false", "-p:SelfContained=false", "-p:DebugType=none", "-p:GenerateDocumentationFile=false",
            "-p:ContinuousIntegrationBuild=true",
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start '{props.Dotnet}'.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed ({process.ExitCode}):{Environment.NewLine}{await stdout.ConfigureAwait(false)}{await stderr.ConfigureAwait(false)}");
        }

        return output;
    }
}
