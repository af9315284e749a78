using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using EdgeMlOps.Testing.Greengrass;
using EdgeMlOps.Testing.StateMachines;

namespace EdgeMlOps.ScaleBenchmark.Edge;

/// <summary>
/// Scenarios 1–4: the synthesized edge deployment workflow (<see cref="EdgeWorkflowUnderTest"/>) under the strict
/// harness against <see cref="FakeEdgeControlPlane"/> (Greengrass deployments and component versions, IoT jobs whose
/// executions page at most 250 and core devices at most 100 per call with NextToken, DescribeJob counts, the DynamoDB
/// health table written the way the health rule writes it and queried in 1 MB pages, the release lock, SNS, the
/// approval, SSM) with a canary and a fleet group rolling out at the configured rate (<see cref="SimulatedFleet"/>).
/// The three Lambda tasks run their real handlers; the health gate through <see cref="GateProbe"/>, which measures it.
/// </summary>
public sealed class EdgeReleaseAtScale(EdgeReleaseCase release, EdgeScaleOptions options, Func<EdgeWorkflowUnderTest> workflow) : IScaleScenario
{
    private const string RolledBack = "ReleaseRolledBack";
    private readonly List<ControlPlaneProfile> _profiles = [];

    public string Name => release switch
    {
        EdgeReleaseCase.Healthy => string.Create(CultureInfo.InvariantCulture, $"1 edge: healthy release, canary {options.CanaryDevices:N0} and fleet {options.FleetDevices:N0} devices"),
        EdgeReleaseCase.ErroredCanary => string.Create(CultureInfo.InvariantCulture, $"2 edge: canary with {options.ErroredCanaryDevices} ERRORED devices ({options.ErrorTextLength}-character errors)"),
        EdgeReleaseCase.FailingFleet => string.Create(CultureInfo.InvariantCulture, $"3 edge: release failing on {options.FailingFleetDevices} of {options.FleetDevices:N0} fleet devices"),
        _ => string.Create(CultureInfo.InvariantCulture, $"4 edge: two approvals 1 s apart, fleet {options.FleetDevices:N0}"),
    };

    /// <summary>The last run's executions (two for <see cref="EdgeReleaseCase.TwoApprovals"/>), for tests.</summary>
    public IReadOnlyList<ExecutionResult> LastExecutions { get; private set; } = [];

    /// <summary>The last run's control plane, for tests.</summary>
    private static readonly EdgeMlOps.Contracts.HealthAcceptance PassedAcceptance = new()
    {
        Status = EdgeMlOps.Contracts.AcceptanceStatuses.Passed, Images = 16, Precision = 0.93, Recall = 0.88, Map50 = 0.9, ExpectedMap50 = 0.91, Parity = 0.98,
        ParityThreshold = 0.9, MaxConfidenceDifference = 0.012,
    };

    public FakeEdgeControlPlane? LastControlPlane { get; private set; }

    /// <summary>The devices the last run expected to be named in the rollback (empty when none).</summary>
    public IReadOnlyList<string> LastExpectedNamed { get; private set; } = [];

    /// <summary>The devices the health gate named when it decided UNHEALTHY (empty when it never did).</summary>
    public IReadOnlyList<string> LastNamed { get; private set; } = [];

    /// <summary>The last run's gate measurements.</summary>
    public GateProbe? LastGate { get; private set; }

    public async Task<ScaleScenarioResult> RunAsync(CancellationToken cancellationToken)
    {
        var under = workflow();
        var machine = LocalStateMachine.FromTemplate(under.Template, options: new LocalStateMachineOptions { SsmParameters = EdgeWorkflowUnderTest.SsmParameters });
        GateProbe.CheckWiring(machine);
        var states = machine.Definition["States"]!;
        var canaryArn = states["TargetTheCanaryGroup"]!["Result"]!["thingGroupArn"]!.GetValue<string>();
        var fleetArn = states["TargetTheFleetGroup"]!["Result"]!["thingGroupArn"]!.GetValue<string>();
        var lockWaitSeconds = states["LoadSettings"]!["Parameters"]!["releaseLock"]!["pollSeconds"]!.GetValue<int>();
        var rate = under.Settings.Edge.Rollout.MaximumPerMinute;
        var pollSeconds = under.Settings.Edge.HealthGate.PollIntervalSeconds;

        // Devices publish their health every healthIntervalSeconds (and at once when their model or state changes).
        // Every heartbeat carries a passed acceptance block, as the component's do (the approval e-mail's evidence reads it).
        var fake = new FakeEdgeControlPlane(machine.Definition)
        {
            HeartbeatEveryMs = under.Settings.Edge.Inference.HealthIntervalSeconds * 1_000L,
            HeartbeatAcceptance = _ => PassedAcceptance,
        };
        fake.Registry.Add(FakeEdgeControlPlane.ApprovedPackage(4));
        var fleet = new SimulatedFleet(fake, canaryArn, fleetArn, options, rate, pollSeconds);
        var gate = new GateProbe();
        LastControlPlane = fake;
        LastGate = gate;
        LastExpectedNamed = [];
        LastNamed = [];
        switch (release)
        {
            case EdgeReleaseCase.ErroredCanary:
                var errored = SimulatedFleet.Spread(fleet.Canary, options.ErroredCanaryDevices, fleet.Canary.Count).ToHashSet(StringComparer.Ordinal);
                var error = ErrorText(options.ErrorTextLength);
                fake.HeartbeatState = d => errored.Contains(d) ? ("ERRORED", error) : ("RUNNING", null);
                LastExpectedNamed = [.. errored.Order(StringComparer.Ordinal)];
                break;
            case EdgeReleaseCase.FailingFleet:
                // Within the first minute of the fleet's rollout, so all of them have failed by the poll that sees the first.
                fleet.Failing.UnionWith(SimulatedFleet.Spread(fleet.Fleet, options.FailingFleetDevices, Math.Max(1, rate * pollSeconds / 60)));
                LastExpectedNamed = [.. fleet.Failing.Order(StringComparer.Ordinal)];
                break;
        }

        var runs = release == EdgeReleaseCase.TwoApprovals
            ? await RunTwoApprovalsAsync(machine, fake, gate, lockWaitSeconds / pollSeconds, cancellationToken)
            : [await machine.RunAsync(Approval(4), Register(new Scenario { Timeout = TimeSpan.FromMinutes(30) }, fake, gate), cancellationToken)];
        LastExecutions = runs;
        foreach (var profile in _profiles)
        {
            profile.Print();
        }

        _profiles.Clear();
        var unhealthy = runs.SelectMany(r => r.InvocationsOf(GateProbe.StateName))
            .LastOrDefault(i => i.Output?["Payload"]?["verdict"]?.GetValue<string>() == "UNHEALTHY");
        LastNamed = [.. (unhealthy?.Output?["Payload"]?["failedDevices"] as JsonArray ?? []).Select(d => d!["thingName"]!.GetValue<string>()).Order(StringComparer.Ordinal)];

        var (asExpected, outcome) = Judge(runs, fake, canaryArn, fleetArn);
        return new ScaleScenarioResult(
            Name,
            string.Create(CultureInfo.InvariantCulture, $"{outcome} ({gate.Calls} gate calls)"),
            asExpected,
            runs.Max(r => r.MaxHistoryEvents),
            runs.Max(r => r.MaxPayloadBytes),
            options.FleetDevices,
            0,
            gate.PeakMilliseconds,
            gate.PeakMegabytes);
    }

    private (bool AsExpected, string Outcome) Judge(IReadOnlyList<ExecutionResult> runs, FakeEdgeControlPlane fake, string canary, string fleet)
    {
        var run = runs[0];
        var targets = fake.Deployments.Select(d => d.TargetArn == canary ? "canary" : d.TargetArn == fleet ? "fleet" : d.TargetArn).ToList();
        var status = $"{run.Status.ToString().ToLowerInvariant()}{(run.Error is null ? "" : $" ({run.Error})")}";
        var named = string.Join(", ", LastNamed);
        var namedRight = LastExpectedNamed.Count > 0 && LastNamed.SequenceEqual(LastExpectedNamed, StringComparer.Ordinal)
            && fake.Notifications.Any(n => n.Subject.Contains("rolled back", StringComparison.Ordinal) && LastExpectedNamed.All(d => n.Message.Contains(d, StringComparison.Ordinal)));
        switch (release)
        {
            case EdgeReleaseCase.Healthy:
                var promoted = run.Status == ExecutionStatus.Succeeded && targets.SequenceEqual(["canary", "fleet"]) && fake.RecordedReleases.Count == 1;
                return (promoted, $"{(promoted ? "promoted" : "NOT promoted: " + status)}: deployments {string.Join(" > ", targets)}, {Polls(run, "canary")} canary and {Polls(run, "fleet")} fleet polls");
            case EdgeReleaseCase.ErroredCanary:
                var canaryBack = run.Error == RolledBack && targets.SequenceEqual(["canary", "canary"]) && namedRight;
                return (canaryBack, $"{status} at canary poll {Polls(run, "canary")}: deployments {string.Join(" > ", targets)}; named {named}");
            case EdgeReleaseCase.FailingFleet:
                var fleetBack = run.Error == RolledBack && targets.SequenceEqual(["canary", "fleet", "fleet", "canary"]) && namedRight;
                return (fleetBack, $"{status} at fleet poll {Polls(run, "fleet")}: deployments {string.Join(" > ", targets)}; named {named}");
            default:
                var second = runs[1];
                var versions = fake.Deployments.Select(d => $"{(d.TargetArn == canary ? "canary" : "fleet")} {d.Components["com.edgemlops.Model"]?["ComponentVersion"]?.GetValue<string>()}").ToList();
                var waited = second.EnteredStates.Count(s => s == "WaitForReleaseLock");
                var inTurn = runs.All(r => r.Status == ExecutionStatus.Succeeded)
                    // 5.0.0 has a current model (4.0.0), so its canary first runs it in shadow, then serving.
                    && versions.SequenceEqual(["canary 4.0.0", "fleet 4.0.0", "canary 5.0.0", "canary 5.0.0", "fleet 5.0.0"])
                    && waited > 0 && fake.LockTable.Count == 0;
                return (inTurn, $"{(inTurn ? "released one after the other" : "NOT in turn")}: {string.Join(" > ", versions)}; the second approval waited {waited} lock polls; runs {string.Join(", ", runs.Select(r => r.Status))}");
        }
    }

    /// <summary>
    /// Approval of package 4 starts the first execution; once it has read the registry (its clock is still under
    /// 1 s: nothing waited yet), package 5 is approved and its execution starts, sharing the control plane and lock.
    /// </summary>
    private async Task<IReadOnlyList<ExecutionResult>> RunTwoApprovalsAsync(LocalStateMachine machine, FakeEdgeControlPlane fake, GateProbe gate, int pollsPerLockWait, CancellationToken cancellationToken)
    {
        var firstReadTheRegistry = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstPolls = 0;
        Task<ExecutionResult>? first = null;
        var observed = new ObservedControlPlane(fake, call =>
        {
            if (call.Resource == EdgeDeploymentTasks.ListModelPackages)
            {
                firstReadTheRegistry.TrySetResult();
            }
            else if (call.Resource == EdgeDeploymentTasks.DescribeJob)
            {
                Interlocked.Increment(ref firstPolls);
            }
        });
        first = machine.RunAsync(Approval(4), Register(new Scenario { Timeout = TimeSpan.FromMinutes(30) }, observed, gate), cancellationToken);
        await Task.WhenAny(firstReadTheRegistry.Task, first);
        fake.AddApprovedPackage(FakeEdgeControlPlane.ApprovedPackage(5));
        var clock = new LockHolderClock(fake, () => first, () => Volatile.Read(ref firstPolls), pollsPerLockWait);
        var second = machine.RunAsync(Approval(5), Register(new Scenario { Timeout = TimeSpan.FromMinutes(30) }, clock, gate), cancellationToken);
        return [await first, await second];
    }

    private Scenario Register(Scenario scenario, ITaskHandler controlPlane, GateProbe gate)
    {
        if (ControlPlaneProfile.Enabled)
        {
            var profile = new ControlPlaneProfile(controlPlane);
            _profiles.Add(profile);
            controlPlane = profile;
        }

        foreach (var resource in EdgeDeploymentTasks.All)
        {
            scenario.Handle(resource, controlPlane);
        }

        return scenario.Handle(GateProbe.StateName, gate);
    }

    private static JsonObject Approval(int version) => new()
    {
        ["modelPackageArn"] = FakeEdgeControlPlane.ApprovedPackage(version)["ModelPackageArn"]!.DeepClone(),
        ["trigger"] = "model-package-approved",
    };

    private static int Polls(ExecutionResult run, string phase) =>
        run.InvocationsOf(GateProbe.StateName).Count(i => i.Parameters?["Payload"]?["phase"]?.GetValue<string>() == phase);

    /// <summary>A model load error as long as <paramref name="length"/>, as ONNX Runtime reports a corrupt model.</summary>
    public static string ErrorText(int length)
    {
        var text = new StringBuilder("[ONNXRuntimeError] : 7 : INVALID_PROTOBUF : Load model from /greengrass/v2/packages/artifacts/com.edgemlops.Model/4.0.0/model.onnx failed: Protobuf parsing failed.");
        while (text.Length < length)
        {
            text.Append(" at onnxruntime::InferenceSession::Load");
        }

        return text.ToString(0, length);
    }
}
