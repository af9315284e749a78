using System.IO.Compression;
using System.Text.Json.Nodes;
using EdgeMlOps.Edge.TestNucleus;

namespace EdgeMlOps.LocalTwin.Device;

/// <summary>What a simulated core device needs from its surroundings.</summary>
public sealed record CoreDeviceProps
{
    /// <summary>The device's IoT thing name. Required.</summary>
    public required string ThingName { get; init; }

    /// <summary>The device's Greengrass root folder (packages, work, logs below it). Required.</summary>
    public required string RootDirectory { get; init; }

    /// <summary>A short folder for the IPC sockets (a Unix socket path must stay under 108 bytes). Required.</summary>
    public required string SocketDirectory { get; init; }

    /// <summary>Registered component versions. Required.</summary>
    public required IComponentStore Components { get; init; }

    /// <summary>Where artifacts are downloaded from. Required.</summary>
    public required IArtifactStore Artifacts { get; init; }

    /// <summary>Collects what the device's components publish to IoT Core. Required.</summary>
    public required IotCoreMessages IotCore { get; init; }

    /// <summary>Variables the nucleus gives every component besides SVCUID and the socket (region, token exchange service, S3 endpoint). Default: none.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>How long a started component may take to report its first state. Default: 60 s.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>A component the device runs: its installation and, for components with a Run step, its process.</summary>
public sealed record RunningComponent(InstalledComponent Installed, string RunScript, ComponentProcess? Process, TestNucleus? Nucleus);

/// <summary>
/// A Greengrass v2 core device simulated on this machine: it applies deployments the way the nucleus does —
/// resolves each component version's recipe, downloads and unpacks its artifacts, computes its configuration,
/// interpolates the lifecycle, restarts a component only when its version or interpolated lifecycle changed (a
/// configuration-only change reaches the running component over IPC), starts it with the environment the nucleus
/// gives (SVCUID, IPC socket, thing name, token exchange service) and a nucleus stand-in on the other end of the
/// IPC socket that authorises publishes by the recipe's access control, and rolls back to the previous components
/// when a deployment fails.
/// </summary>
public sealed class CoreDevice : IAsyncDisposable
{
    private const string SocketVariable = "AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT";
    private readonly CoreDeviceProps _props;
    private readonly SemaphoreSlim _deploying = new(1, 1);
    private readonly object _lock = new();
    private readonly Dictionary<string, JobExecution> _jobs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RunningComponent> _running = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TestNucleus> _nuclei = new(StringComparer.Ordinal);
    private readonly List<string> _events = [];
    private JsonObject? _current;

    public CoreDevice(CoreDeviceProps props)
    {
        ArgumentNullException.ThrowIfNull(props);
        ArgumentException.ThrowIfNullOrEmpty(props.ThingName);
        _props = props;
        Directory.CreateDirectory(props.RootDirectory);
        Directory.CreateDirectory(props.SocketDirectory);
    }

    public string ThingName => _props.ThingName;

    /// <summary>Component name → version the device runs now.</summary>
    public IReadOnlyDictionary<string, string> ComponentVersions
    {
        get
        {
            lock (_lock)
            {
                return _running.ToDictionary(kv => kv.Key, kv => kv.Value.Installed.Recipe.Version, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>What happened on the device, in order (installs, starts, stops, configuration updates, failures).</summary>
    public IReadOnlyList<string> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>HEALTHY, or UNHEALTHY when a started component's process has exited (Greengrass reports BROKEN components so).</summary>
    public string Status
    {
        get
        {
            lock (_lock)
            {
                return _running.Values.Any(r => r.Process is { HasExited: true }) ? "UNHEALTHY" : "HEALTHY";
            }
        }
    }

    /// <summary>The installed component, for the report (paths, configuration). Null when not installed.</summary>
    public InstalledComponent? Installed(string componentName)
    {
        lock (_lock)
        {
            return _running.TryGetValue(componentName, out var running) ? running.Installed : null;
        }
    }

    /// <summary>The job execution of this device for <paramref name="jobId"/>: QUEUED until the device started on it.</summary>
    public JobExecution Job(string jobId)
    {
        lock (_lock)
        {
            return _jobs.TryGetValue(jobId, out var job) ? job : new JobExecution("QUEUED");
        }
    }

    /// <summary>Applies a deployment in the background, as the device does once the IoT job reaches it.</summary>
    public Task DeployAsync(DeploymentDocument deployment, CancellationToken cancellationToken) =>
        Task.Run(() => ApplyAsync(deployment, cancellationToken), CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await _deploying.WaitAsync().ConfigureAwait(false);
        try
        {
            foreach (var name in ComponentVersions.Keys)
            {
                await StopAsync(name).ConfigureAwait(false);
            }

            foreach (var nucleus in _nuclei.Values)
            {
                await nucleus.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _deploying.Release();
        }
    }

    private async Task ApplyAsync(DeploymentDocument deployment, CancellationToken cancellationToken)
    {
        await _deploying.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            SetJob(deployment.JobId, new JobExecution("IN_PROGRESS"));
            var previous = _current;
            try
            {
                await ReconcileAsync(deployment.Components, cancellationToken).ConfigureAwait(false);
                _current = (JsonObject)deployment.Components.DeepClone();
                SetJob(deployment.JobId, new JobExecution("SUCCEEDED"));
                Log($"deployment {deployment.DeploymentId} succeeded");
            }
            catch (Exception ex) when (ex is DeploymentFailedException or InvalidOperationException or IOException or Amazon.S3.AmazonS3Exception)
            {
                Log($"deployment {deployment.DeploymentId} failed: {ex.Message}");
                if (deployment.RollbackOnFailure)
                {
                    await RollBackAsync(previous, cancellationToken).ConfigureAwait(false);
                }

                SetJob(deployment.JobId, new JobExecution("FAILED", ex.Message));
            }
        }
        finally
        {
            _deploying.Release();
        }
    }

    private async Task RollBackAsync(JsonObject? previous, CancellationToken cancellationToken)
    {
        try
        {
            await ReconcileAsync(previous ?? [], cancellationToken).ConfigureAwait(false);
            Log("rolled back to the previous components");
        }
        catch (Exception ex) when (ex is DeploymentFailedException or InvalidOperationException or IOException)
        {
            Log($"rollback failed: {ex.Message}");
        }
    }

    private async Task ReconcileAsync(JsonObject components, CancellationToken cancellationToken)
    {
        var targets = new Dictionary<string, InstalledComponent>(StringComparer.Ordinal);
        foreach (var (name, specification) in components)
        {
            // aws.greengrass.* components (the token exchange service) are part of the nucleus here.
            if (name.StartsWith("aws.greengrass.", StringComparison.Ordinal))
            {
                continue;
            }

            var version = specification?["ComponentVersion"]?.GetValue<string>()
                ?? throw new DeploymentFailedException($"{name}: the deployment gives no ComponentVersion");
            var recipeJson = _props.Components.Recipe(name, version)
                ?? throw new DeploymentFailedException($"{name} {version} is not a registered component version");
            var recipe = ComponentRecipe.Parse(recipeJson);
            targets[name] = await InstallAsync(recipe, specification!["ConfigurationUpdate"], cancellationToken).ConfigureAwait(false);
        }

        foreach (var target in targets.Values)
        {
            foreach (var dependency in target.Recipe.Dependencies.Where(d => !d.StartsWith("aws.greengrass.", StringComparison.Ordinal) && !targets.ContainsKey(d)))
            {
                throw new DeploymentFailedException($"{target.Recipe.Name} depends on {dependency}, which the deployment does not include");
            }
        }

        var variables = new RecipeVariables(ThingName, _props.RootDirectory, targets);
        string RunScript(InstalledComponent c) => variables.Interpolate(c.Recipe.Script("Run") ?? string.Empty, c.Recipe.Name);

        foreach (var name in ComponentVersions.Keys)
        {
            var running = _running[name];
            if (!targets.TryGetValue(name, out var target) || target.Recipe.Version != running.Installed.Recipe.Version || RunScript(target) != running.RunScript)
            {
                await StopAsync(name).ConfigureAwait(false);
            }
            else if (ComponentConfiguration.ChangedKeys(running.Installed.Configuration, target.Configuration) is { Count: > 0 } changed)
            {
                // Same version and lifecycle: Greengrass leaves the process running and notifies it over IPC.
                foreach (var key in changed)
                {
                    await running.Nucleus!.PushConfigurationUpdate([key], target.Configuration[key]?.DeepClone(), name).ConfigureAwait(false);
                }

                Update(name, running with { Installed = target });
                Log($"{name} {target.Recipe.Version}: configuration updated without a restart ({string.Join(", ", changed)})");
            }
        }

        // Dependencies first: a component starts after the components it depends on.
        foreach (var target in Ordered(targets).Where(t => !_running.ContainsKey(t.Recipe.Name)))
        {
            await StartAsync(target, RunScript(target), variables, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<InstalledComponent> InstallAsync(ComponentRecipe recipe, JsonNode? configurationUpdate, CancellationToken cancellationToken)
    {
        var artifacts = Path.Combine(_props.RootDirectory, "packages", "artifacts", recipe.Name, recipe.Version);
        var unarchived = Path.Combine(_props.RootDirectory, "packages", "artifacts-unarchived", recipe.Name, recipe.Version);
        Directory.CreateDirectory(artifacts);
        Directory.CreateDirectory(unarchived);
        foreach (var artifact in recipe.Artifacts)
        {
            var file = Path.Combine(artifacts, artifact.FileName);
            if (!File.Exists(file))
            {
                await _props.Artifacts.DownloadAsync(artifact.Uri, file, cancellationToken).ConfigureAwait(false);
                Log($"{recipe.Name} {recipe.Version}: downloaded {artifact.Uri}");
            }

            var folder = Path.Combine(unarchived, Path.GetFileNameWithoutExtension(artifact.FileName));
            if (artifact.Unarchive && !Directory.Exists(folder))
            {
                ZipFile.ExtractToDirectory(file, folder);
            }
        }

        var configuration = ComponentConfiguration.Effective(recipe.DefaultConfiguration, configurationUpdate);
        return new InstalledComponent(recipe, artifacts, unarchived, Path.Combine(_props.RootDirectory, "work", recipe.Name), configuration);
    }

    private async Task StartAsync(InstalledComponent component, string runScript, RecipeVariables variables, CancellationToken cancellationToken)
    {
        var name = component.Recipe.Name;
        if (runScript.Length == 0)
        {
            // An Install step (the device prerequisites' package installs) is not run here: this machine already has
            // the .NET runtime and libturbojpeg the step would install (scripts/device-prereqs-check.sh runs it for real).
            var install = component.Recipe.Script("Install") is null ? string.Empty : "; Install step not run by the simulated device";
            // Logged before it is visible in ComponentVersions, so a reader that saw the version also sees the event.
            Log($"{name} {component.Recipe.Version}: installed (no Run step{install})");
            Update(name, new RunningComponent(component, runScript, null, null));
            return;
        }

        var nucleus = Nucleus(name);
        foreach (var (key, value) in component.Configuration)
        {
            await nucleus.PushConfigurationUpdate([key], value?.DeepClone(), name).ConfigureAwait(false);
        }

        var statesBefore = nucleus.States.Snapshot().Count(s => s.ComponentName == name);
        var environment = new Dictionary<string, string>(_props.Environment, StringComparer.Ordinal)
        {
            ["SVCUID"] = nucleus.AuthToken,
            [SocketVariable] = nucleus.SocketPath,
            ["AWS_IOT_THING_NAME"] = ThingName,
        };
        foreach (var (key, value) in component.Recipe.Setenv)
        {
            environment[key] = variables.Interpolate(value, name);
        }

        var process = ComponentProcess.Start(runScript, component.WorkPath, environment, LogFile(name));
        Update(name, new RunningComponent(component, runScript, process, nucleus));
        Log($"{name} {component.Recipe.Version}: started (pid {process.Id})");

        var deadline = DateTimeOffset.UtcNow + _props.StartTimeout;
        while (nucleus.States.Snapshot().Count(s => s.ComponentName == name) == statesBefore)
        {
            if (process.HasExited)
            {
                throw new DeploymentFailedException($"{name} {component.Recipe.Version} exited with code {process.ExitCode} before reporting its state (BROKEN); see {LogFile(name)}");
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new DeploymentFailedException($"{name} {component.Recipe.Version} reported no state within {_props.StartTimeout.TotalSeconds:0} s");
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        var state = nucleus.States.Snapshot().Last(s => s.ComponentName == name).State;
        Log($"{name} {component.Recipe.Version}: reported {state}");
    }

    private async Task StopAsync(string name)
    {
        RunningComponent running;
        lock (_lock)
        {
            if (!_running.Remove(name, out running!))
            {
                return;
            }
        }

        if (running.Process is { } process)
        {
            var timeout = TimeSpan.FromSeconds(running.Installed.Recipe.TimeoutSeconds("Shutdown"));
            var installed = new Dictionary<string, InstalledComponent>(StringComparer.Ordinal) { [name] = running.Installed };
            if (running.Installed.Recipe.Script("Shutdown") is { } shutdown)
            {
                var script = new RecipeVariables(ThingName, _props.RootDirectory, installed).Interpolate(shutdown, name);
                await ComponentProcess.RunToEndAsync(script, running.Installed.WorkPath, _props.Environment, LogFile(name), timeout).ConfigureAwait(false);
            }

            var stopped = await process.WaitForExitAsync(timeout).ConfigureAwait(false);
            var outcome = stopped ? $"exit code {process.ExitCode}" : "killed after the Shutdown timeout";
            await process.DisposeAsync().ConfigureAwait(false);
            Log($"{name} {running.Installed.Recipe.Version}: stopped ({outcome})");
        }
        else
        {
            Log($"{name} {running.Installed.Recipe.Version}: removed");
        }
    }

    private TestNucleus Nucleus(string componentName)
    {
        if (!_nuclei.TryGetValue(componentName, out var nucleus))
        {
            nucleus = TestNucleus.Start(new TestNucleusOptions
            {
                SocketPath = Path.Combine(_props.SocketDirectory, $"{ThingName}-{_nuclei.Count}.sock"),
                AuthToken = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)),
                ComponentName = componentName,
                // The recipe's accessControl (part of its configuration) decides what the component may publish.
                EnforceAccessControl = true,
                ThingName = ThingName,
            });
            _nuclei[componentName] = nucleus;
            _props.IotCore.Attach(ThingName, nucleus);
        }

        return nucleus;
    }

    private static IEnumerable<InstalledComponent> Ordered(Dictionary<string, InstalledComponent> targets)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        var ordered = new List<InstalledComponent>();
        void Visit(InstalledComponent c)
        {
            if (!done.Add(c.Recipe.Name))
            {
                return;
            }

            foreach (var dependency in c.Recipe.Dependencies.Where(targets.ContainsKey))
            {
                Visit(targets[dependency]);
            }

            ordered.Add(c);
        }

        foreach (var target in targets.Values)
        {
            Visit(target);
        }

        return ordered;
    }

    private string LogFile(string componentName) => Path.Combine(_props.RootDirectory, "logs", $"{componentName}.log");

    private void SetJob(string jobId, JobExecution execution)
    {
        lock (_lock)
        {
            _jobs[jobId] = execution;
        }
    }

    private void Update(string name, RunningComponent running)
    {
        lock (_lock)
        {
            _running[name] = running;
        }
    }

    private void Log(string message)
    {
        lock (_lock)
        {
            _events.Add($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {message}");
        }
    }
}
