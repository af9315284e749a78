using EdgeMlOps.ScaleBenchmark;
using EdgeMlOps.ScaleBenchmark.Labeling;
using EdgeMlOps.Testing.StateMachines;
using EdgeMlOps.Testing.Storage;
using Xunit;

namespace EdgeMlOps.DataLabeling.Tests;

/// <summary>
/// Scenario 5 of scripts/scale.sh at a tenth of its size or less: a bucket of 50,000 objects from 500 devices (5,000 new
/// images, 10,000 sidecars) and a job of 5,000 labels through the synthesized workflow under the strict harness.
/// </summary>
public sealed class LabelingScaleScenarioTests
{
    [Fact]
    public async Task A_large_job_succeeds_with_every_execution_within_half_the_quotas()
    {
        var scenario = new LabelingAtScale(new LabelingScaleOptions
        {
            Captures = new SyntheticCaptures { Devices = 500 },
            MaxImagesPerJob = 5_000,
        });

        var result = await scenario.RunAsync(CancellationToken.None);

        Assert.True(result.WithinTargets, result.ToString());
        var execution = scenario.LastExecution!;
        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        Assert.Equal(5_000, execution.InvocationsOf("arn:aws:states:::aws-sdk:sagemakerfeaturestoreruntime:putRecord").Count);
        // 50 chunks of 100 records, each written by its own Express child; the waits ran in Standard windows.
        Assert.Equal(50, execution.SelfAndDescendants.Count(e => e.WorkflowType == WorkflowType.Express));
        Assert.All(execution.SelfAndDescendants, e => Assert.InRange(e.Quota.MaxPayloadBytes, 1, ScaleScenarioResult.PayloadByteTarget));
        Assert.InRange(execution.Quota.HistoryEvents, 1, 500); // the parent: a job's size does not reach it
    }
}
