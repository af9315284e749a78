using EdgeMlOps.Testing.CloudFormation;

namespace EdgeMlOps.ModelTraining.Tests.Stage;

/// <summary>Failures no Catch sees (history or payload limits, timeouts, aborts) reach the training app's topic.</summary>
public sealed class ExecutionFailureNotificationTests(TrainingStageFixture stage) : IClassFixture<TrainingStageFixture>
{
    [Fact]
    public void Every_failed_timed_out_or_aborted_execution_is_reported_to_the_topic()
    {
        ExecutionFailureRule.AssertNotifiesTopic(stage.Json.AsObject());
    }
}
