using EdgeMlOps.Testing.CloudFormation;
using Xunit;

namespace EdgeDeployment.Tests.Template;

/// <summary>Failures no Catch sees (history or payload limits, timeouts, aborts) reach the edge app's topic.</summary>
[Collection(EdgeStageCollection.Name)]
public sealed class ExecutionFailureNotificationTests(EdgeStageFixture stage)
{
    [Fact]
    public void Every_failed_timed_out_or_aborted_execution_is_reported_to_the_topic()
    {
        ExecutionFailureRule.AssertNotifiesTopic(stage.TemplateJson);
    }
}
