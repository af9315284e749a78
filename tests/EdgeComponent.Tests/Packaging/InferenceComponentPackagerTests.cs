using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeComponent.Tests.Support;
using EdgeMlOps.Contracts;
using EdgeMlOps.Edge.Inference.Runtime;
using EdgeMlOps.Edge.Packaging;

namespace EdgeComponent.Tests.Packaging;

/// <summary>Publishes and packages the component once (dotnet publish), then checks and runs what is in the zip.</summary>
public sealed class PackagedComponentFixture : IDisposable
{
    public PackagedComponentFixture()
    {
        Output = new TempFolder();
        Package = new InferenceComponentPackager(new InferenceComponentPackagerProps
        {
            ComponentProject = RepositoryPaths.ComponentProject,
            SampleImagesDirectory = RepositoryPaths.TestImages,
            OutputDirectory = Output.Path,
        }).PackageAsync().GetAwaiter().GetResult();
        ExtractedRoot = Path.Combine(Output.Path, "extracted");
        // Greengrass unpacks <name>.zip into a folder named <name>.
        ZipFile.ExtractToDirectory(Package.ZipPath, Path.Combine(ExtractedRoot, InferenceArtifactLayout.DefaultArchiveName));
        ModelFolder = new TempFolder();
        KnownModel = EdgeMlOps.Edge.ModelGen.Models.ModelFiles.Write(ModelFolder.Path, "model.onnx",
            () => EdgeMlOps.Edge.ModelGen.Models.KnownOutputModel.Reference().Build());
    }

    public TempFolder Output { get; }

    public TempFolder ModelFolder { get; }

    public InferencePackage Package { get; }

    public string ExtractedRoot { get; }

    public string KnownModel { get; }

    public string AppFolder => Path.Combine(ExtractedRoot, InferenceArtifactLayout.DefaultArchiveName);

    public void Dispose()
    {
        Output.Dispose();
        ModelFolder.Dispose();
    }
}

public sealed class InferenceComponentPackagerTests(PackagedComponentFixture packaged) : IClassFixture<PackagedComponentFixture>
{
    private static readonly InferenceRecipeProps RecipeProps = new()
    {
        ComponentName = "com.edgemlops.Inference",
        ComponentVersion = "1.0.0",
        ArtifactUri = "s3://b/k.zip",
        ModelComponentName = "com.edgemlops.Model",
    };

    private static JsonNode RenderedRecipe() => JsonNode.Parse(InferenceRecipeRenderer.Render(RecipeProps))!;

    /// <summary>How long Greengrass waits after the Shutdown script before it kills the process, read from the rendered recipe.</summary>
    private static TimeSpan RecipeShutdownTimeout()
    {
        var timeouts = RenderedRecipe()["Manifests"]!.AsArray().Select(m => (int)m!["Lifecycle"]!["Shutdown"]!["Timeout"]!).Distinct().ToList();
        return TimeSpan.FromSeconds(Assert.Single(timeouts));
    }

    [Fact]
    public void Zip_holds_every_file_the_recipe_names()
    {
        var recipe = RenderedRecipe();
        const string prefix = "{artifacts:decompressedPath}/edge-inference/";

        foreach (var manifest in recipe["Manifests"]!.AsArray())
        {
            var run = (string)manifest!["Lifecycle"]!["Run"]!["Script"]!;
            var named = System.Text.RegularExpressions.Regex.Matches(run, System.Text.RegularExpressions.Regex.Escape(prefix) + "([^\"]+)")
                .Select(m => m.Groups[1].Value).ToList();
            Assert.Equal(3, named.Count); // the entry assembly, the native library, the sample images
            foreach (var entry in named)
            {
                Assert.True(packaged.Package.Entries.Any(e => e == entry || e.StartsWith(entry + "/", StringComparison.Ordinal)), $"zip lacks '{entry}'");
            }
        }
    }

    [Fact]
    public void Zip_is_framework_dependent_portable_and_without_apphost()
    {
        var entries = packaged.Package.Entries;

        Assert.Contains("EdgeMlOps.Edge.Component.dll", entries);
        Assert.Contains("EdgeMlOps.Edge.Inference.dll", entries);
        Assert.Contains("runtimes/linux-x64/native/libonnxruntime.so", entries);
        Assert.Contains("runtimes/linux-arm64/native/libonnxruntime.so", entries);
        Assert.DoesNotContain("EdgeMlOps.Edge.Component", entries); // no native launcher
        Assert.DoesNotContain(entries, e => e.EndsWith(".pdb", StringComparison.Ordinal));

        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(packaged.AppFolder, "EdgeMlOps.Edge.Component.runtimeconfig.json")));
        var options = config.RootElement.GetProperty("runtimeOptions");
        Assert.Equal("Major", options.GetProperty("rollForward").GetString());
        Assert.Equal("Microsoft.NETCore.App", options.GetProperty("framework").GetProperty("name").GetString());
        Assert.StartsWith("8.0", options.GetProperty("framework").GetProperty("version").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Each_architecture_gets_its_own_native_library()
    {
        var x64 = File.ReadAllBytes(Path.Combine(packaged.AppFolder, "runtimes/linux-x64/native/libonnxruntime.so"));
        var arm64 = File.ReadAllBytes(Path.Combine(packaged.AppFolder, "runtimes/linux-arm64/native/libonnxruntime.so"));

        // ELF e_machine at offset 18: 0x3E x86-64, 0xB7 AArch64.
        Assert.Equal(0x3E, x64[18]);
        Assert.Equal(0xB7, arm64[18]);
    }

    [Fact]
    public async Task Repackaging_the_same_content_gives_the_same_hash()
    {
        using var again = new TempFolder();
        var second = await new InferenceComponentPackager(new InferenceComponentPackagerProps
        {
            PublishedDirectory = Path.Combine(packaged.Output.Path, "publish"),
            SampleImagesDirectory = RepositoryPaths.TestImages,
            OutputDirectory = again.Path,
        }).PackageAsync();

        Assert.Equal(packaged.Package.ContentHash, second.ContentHash);
        Assert.Matches("^[0-9a-f]{64}$", second.ContentHash);
    }

    [Fact]
    public async Task Fails_if_a_native_library_is_missing_from_the_published_component()
    {
        using var published = new TempFolder();
        CopyFolder(packaged.AppFolder, published.Path);
        File.Delete(Path.Combine(published.Path, "runtimes/linux-arm64/native/libonnxruntime.so"));
        using var output = new TempFolder();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => new InferenceComponentPackager(new InferenceComponentPackagerProps
        {
            PublishedDirectory = published.Path,
            OutputDirectory = output.Path,
        }).PackageAsync());

        Assert.Contains("runtimes/linux-arm64/native/libonnxruntime.so", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Zip_keeps_only_the_linux_x64_and_arm64_native_libraries_with_their_sha256_manifest()
    {
        var runtimes = packaged.Package.Entries.Where(e => e.StartsWith("runtimes/", StringComparison.Ordinal)).ToList();
        Assert.All(runtimes, e => Assert.True(e.StartsWith("runtimes/linux-x64/native/", StringComparison.Ordinal) ||
            e.StartsWith("runtimes/linux-arm64/native/", StringComparison.Ordinal), $"unexpected native file '{e}'"));
        Assert.Contains(NativeLibraryManifest.FileName, packaged.Package.Entries);

        var manifest = NativeLibraryManifest.TryRead(packaged.AppFolder)!;
        Assert.Equal(runtimes.Order(StringComparer.Ordinal), manifest.Hashes.Keys.Order(StringComparer.Ordinal));
        foreach (var (entry, hash) in manifest.Hashes)
        {
            Assert.Equal(hash, NativeLibraryManifest.HashFile(Path.Combine(packaged.AppFolder, entry)));
            Assert.Null(manifest.Check(packaged.AppFolder, Path.Combine(packaged.AppFolder, entry)));
        }
    }

    [Fact]
    public async Task Packaged_app_runs_with_its_bundled_onnx_runtime_and_sample_images()
    {
        var (exitCode, stdout, stderr) = await RunAsync(["--demo", "--model", packaged.KnownModel, "--images", "",
            "--set", $"sampleImagesPath={Path.Combine(packaged.AppFolder, "sample-images")}", "--thing-name", "zip-test"], stopAfter: null);

        Assert.True(exitCode == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var results = lines.Select(l => JsonDocument.Parse(l).RootElement).Where(e => e.GetProperty("messageType").GetString() == "inference-result").ToList();
        Assert.Equal(Directory.GetFiles(RepositoryPaths.TestImages).Length, results.Count);
        Assert.Contains("runtimes/linux-x64/native", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("missing")]
    [InlineData("altered")]
    public async Task Damaged_onnx_runtime_library_is_errored_naming_the_file_and_the_process_stays_up_until_sigterm(string damage)
    {
        using var copy = new TempFolder();
        CopyFolder(packaged.AppFolder, copy.Path);
        var library = Path.Combine(copy.Path, "runtimes/linux-x64/native/libonnxruntime.so");
        switch (damage)
        {
            case "truncated":
                // What used to kill the process with SIGBUS on first use.
                using (var file = new FileStream(library, FileMode.Open))
                {
                    file.SetLength(file.Length / 2);
                }

                break;
            case "missing":
                File.Delete(library);
                break;
            default:
                // Same size, one byte changed: only the manifest can tell.
                using (var file = new FileStream(library, FileMode.Open))
                {
                    file.Position = file.Length - 10;
                    var b = file.ReadByte();
                    file.Position = file.Length - 10;
                    file.WriteByte((byte)(b ^ 0xFF));
                }

                break;
        }

        var (exitCode, stdout, stderr) = await RunAsync(["--model", packaged.KnownModel, "--images", RepositoryPaths.TestImages,
            "--health-interval", "1", "--thing-name", "damaged-ort"], stopAfter: "\"state\":\"ERRORED\"", exitWithin: RecipeShutdownTimeout(), appFolder: copy.Path);

        Assert.True(exitCode == 0, stderr); // stopped by SIGTERM, not crashed
        var errored = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .First(e => e.GetProperty("messageType").GetString() == "health" && e.GetProperty("state").GetString() == "ERRORED");
        var lastError = errored.GetProperty("model").GetProperty("lastError").GetString();
        Assert.Contains(library, lastError, StringComparison.Ordinal);
        Assert.DoesNotContain("inference-result", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_stops_the_component_cleanly_within_the_recipes_shutdown_timeout_with_a_final_health_message()
    {
        var shutdownTimeout = RecipeShutdownTimeout();

        var (exitCode, stdout, stderr) = await RunAsync(["--model", packaged.KnownModel, "--images", RepositoryPaths.TestImages,
            "--interval-ms", "20", "--thing-name", "sigterm-test"], stopAfter: "inference-result", exitWithin: shutdownTimeout);

        Assert.True(exitCode == 0, stderr);
        var last = JsonDocument.Parse(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement;
        Assert.Equal("health", last.GetProperty("messageType").GetString());
        Assert.Equal("STOPPING", last.GetProperty("state").GetString());
        Assert.Contains("SIGTERM received", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_while_the_nucleus_cannot_be_reached_still_exits_cleanly_within_the_recipes_shutdown_timeout()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(packaged.AppFolder, "EdgeMlOps.Edge.Component.dll"), "--model", packaged.KnownModel, "--images", RepositoryPaths.TestImages, "--thing-name", "no-nucleus" })
        {
            start.ArgumentList.Add(arg);
        }

        // Inside Greengrass by its variables, but nothing listens on the socket: start-up keeps trying to connect.
        start.Environment["AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT"] = Path.Combine(Path.GetTempPath(), $"no-nucleus-{Guid.NewGuid():N}.sock");
        start.Environment["SVCUID"] = "svcuid-without-nucleus";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await Task.Delay(TimeSpan.FromSeconds(3));
        // Awaiting stderr here would wait for the process to end.
        Assert.False(process.HasExited, "the component stopped on its own before SIGTERM");

        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await WaitForExitWithinAsync(process, RecipeShutdownTimeout());
        Assert.True(process.ExitCode == 0, await stderr);
        Assert.Contains("stopped", await stderr, StringComparison.Ordinal);
        Assert.Empty(await stdout);
    }

    [Fact]
    public async Task Inside_greengrass_publishes_through_ipc_within_the_recipes_policy_follows_configuration_and_spools_captures()
    {
        using var work = new TempFolder();
        var component = RecipeProps.ComponentName;
        // The nucleus serves the rendered recipe's DefaultConfiguration (with test-speed runtime values merged over it)
        // and authorises every publish by that recipe's accessControl policy.
        var configuration = RenderedRecipe()["ComponentConfiguration"]!["DefaultConfiguration"]!.AsObject().DeepClone().AsObject();
        configuration["frameIntervalMs"] = 30;
        configuration["healthIntervalSeconds"] = 1;
        configuration["capture"]!["sampleFraction"] = 1;
        await using var nucleus = EdgeMlOps.Edge.TestNucleus.TestNucleus.Start(new EdgeMlOps.Edge.TestNucleus.TestNucleusOptions
        {
            SocketPath = Path.Combine(work.Path, "ipc.socket"),
            ComponentName = component,
            Configuration = new Dictionary<string, JsonObject> { [component] = configuration },
            EnforceAccessControl = true,
            ThingName = "gg-thing",
        });
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = work.Path };
        start.Environment["AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT"] = nucleus.SocketPath;
        start.Environment["SVCUID"] = nucleus.AuthToken;
        // Start-up settings only, as the recipe's Run script passes them; the runtime keys come from the configuration.
        foreach (var arg in new[] { Path.Combine(packaged.AppFolder, "EdgeMlOps.Edge.Component.dll"), "--model", packaged.KnownModel,
            "--images", RepositoryPaths.TestImages, "--thing-name", "gg-thing" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var timeout = TimeSpan.FromMinutes(5); // hang guard
        try
        {
            await nucleus.States.WaitForAsync(s => s.State == "RUNNING", timeout);
            await nucleus.Publishes.WaitForAsync(p => p.TopicName == "edgemlops/gg-thing/inference/results", timeout);
            await nucleus.PushConfigurationUpdate(["confidenceThreshold"], 0.8, component);
            var strict = await nucleus.Publishes.WaitForAsync(p => p.TopicName == "edgemlops/gg-thing/inference/results" &&
                JsonDocument.Parse(p.Payload).RootElement.GetProperty("detections").GetArrayLength() == 1, timeout);
            await nucleus.Publishes.WaitForAsync(p => p.TopicName == "edgemlops/gg-thing/inference/health", timeout);
            Assert.Equal("1", strict.Qos); // QoS 1: at least once

            // A runtime topic change outside the recipe's policy: the nucleus refuses each result, the component counts
            // the failures and keeps running (health still goes to its granted topic).
            await nucleus.PushConfigurationUpdate(["resultsTopic"], "elsewhere/{thingName}/results", component);
            await nucleus.Publishes.WaitForAsync(p => p.TopicName == "edgemlops/gg-thing/inference/health" &&
                JsonDocument.Parse(p.Payload).RootElement.GetProperty("frames").GetProperty("publishFailures").GetInt64() >= 2, timeout);
        }
        finally
        {
            using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
            await WaitForExitWithinAsync(process, RecipeShutdownTimeout());
        }

        Assert.True(process.ExitCode == 0, await stderr);
        Assert.Empty(await stdout); // nothing on standard output inside Greengrass: results go through IPC
        Assert.All(nucleus.Publishes.Snapshot(), p => Assert.StartsWith("edgemlops/gg-thing/inference/", p.TopicName, StringComparison.Ordinal));
        var spool = Path.Combine(work.Path, "capture-spool");
        Assert.True(Directory.Exists(spool) && Directory.EnumerateFiles(spool, "metadata.json", SearchOption.AllDirectories).Any(), "no capture spooled");
        var lastHealth = nucleus.Publishes.Snapshot().Last(p => p.TopicName == "edgemlops/gg-thing/inference/health");
        Assert.Equal("STOPPING", JsonDocument.Parse(lastHealth.Payload).RootElement.GetProperty("state").GetString());
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>
    /// Waits for <paramref name="process"/> to exit after SIGTERM; fails (and kills it, as Greengrass would) if it is
    /// still running after <paramref name="limit"/>.
    /// </summary>
    private static async Task WaitForExitWithinAsync(Process process, TimeSpan limit)
    {
        using var guard = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the component was still running {limit.TotalSeconds} s after SIGTERM (the recipe's Shutdown timeout)");
        }
    }

    /// <summary>
    /// Runs the extracted app; with <paramref name="stopAfter"/>, sends SIGTERM once stdout shows that text and then
    /// requires the exit within <paramref name="exitWithin"/> of the signal (default 5 min; the whole run has a 10 min hang guard).
    /// </summary>
    private async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string[] args, string? stopAfter, TimeSpan? exitWithin = null,
        string? appFolder = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(appFolder ?? packaged.AppFolder, "EdgeMlOps.Edge.Component.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = new System.Text.StringBuilder();
        var stderr = process.StandardError.ReadToEndAsync();
        var limit = exitWithin ?? TimeSpan.FromMinutes(5);
        // Re-armed at the signal: from then on the process has `limit` to close its output and exit.
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var signalled = false;
        try
        {
            while (await process.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
            {
                stdout.AppendLine(line);
                if (stopAfter is not null && !signalled && line.Contains(stopAfter, StringComparison.Ordinal))
                {
                    signalled = true;
                    deadline.CancelAfter(limit);
                    using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                    await kill.WaitForExitAsync();
                }
            }

            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail(signalled
                ? $"the component was still running {limit.TotalSeconds} s after SIGTERM (the recipe's Shutdown timeout)"
                : "the component did not finish within 120 s");
        }

        return (process.ExitCode, stdout.ToString(), await stderr);
    }
}
