using EdgeMlOps.QualityGates.ApiModels;
using EdgeMlOps.QualityGates.Asl;
using EdgeMlOps.QualityGates.Gates;
using EdgeMlOps.QualityGates.Iam;

namespace EdgeMlOps.QualityGates.Tests;

public sealed class StateMachineRoleGateTests
{
    private static readonly ApiModelCatalog s_catalog = new(Repository.Layout.AwsSdkApis);

    private static StateMachineRoleGate Gate() => new(new RequiredActions(s_catalog), Repository.Layout.RepoRoot);

    [Fact]
    public void Passes_when_the_role_allows_exactly_the_task_logging_and_declared_supporting_actions()
    {
        var result = Gate().Run([Repository.Template("iam/exact-role.template.json")]);

        Assert.True(result.Passed, string.Join("\n", result.Failures));
        Assert.Equal(1, result.Checked);
    }

    [Fact]
    public void Fails_when_the_role_lacks_an_action_a_task_needs()
    {
        var result = Gate().Run([Repository.Template("iam/role-missing-action.template.json")]);

        var failure = Assert.Single(result.Failures);
        Assert.Equal(("WorkflowResource", "missing-action"), (failure.Subject, failure.Check));
        Assert.Contains("greengrass:CreateDeployment", failure.Message);
        Assert.Contains("Deploy the model", failure.Message);
    }

    [Fact]
    public void Fails_when_the_role_allows_an_action_no_task_needs()
    {
        var result = Gate().Run([Repository.Template("iam/role-extra-action.template.json")]);

        var failure = Assert.Single(result.Failures);
        Assert.Equal("extra-action", failure.Check);
        Assert.Contains("sagemaker:DeleteModel", failure.Message);
    }

    [Fact]
    public void Fails_on_a_wildcard_even_when_it_covers_the_needed_action()
    {
        var result = Gate().Run([Repository.Template("iam/role-wildcard-action.template.json")]);

        var failure = Assert.Single(result.Failures);
        Assert.Equal("extra-action", failure.Check);
        Assert.Contains("greengrass:*", failure.Message);
    }

    [Fact]
    public void Fails_when_the_role_has_a_managed_policy()
    {
        var result = Gate().Run([Repository.Template("iam/role-managed-policy.template.json")]);

        Assert.Equal("policy-unreadable", Assert.Single(result.Failures).Check);
    }

    [Fact]
    public void Fails_when_declared_supporting_actions_have_no_reason()
    {
        var result = Gate().Run([Repository.Template("iam/supporting-without-reason.template.json")]);

        Assert.Contains(result.Failures, f => f.Check == "supporting-without-reason");
        Assert.Contains(result.Failures, f => f.Check == "extra-action" && f.Message.Contains("iot:CreateJob", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("arn:aws:states:::athena:startQueryExecution", new[] { "athena:StartQueryExecution" })]
    [InlineData("arn:aws:states:::athena:startQueryExecution.sync", new[] { "athena:StartQueryExecution", "athena:GetQueryExecution", "athena:StopQueryExecution" })]
    [InlineData("arn:aws:states:::lambda:invoke.waitForTaskToken", new[] { "lambda:InvokeFunction" })]
    [InlineData("${ProcessFunctionArn}", new[] { "lambda:InvokeFunction" })]
    [InlineData("arn:aws:states:::aws-sdk:greengrassv2:createDeployment", new[] { "greengrass:CreateDeployment" })]
    [InlineData("arn:aws:states:::aws-sdk:sagemakerfeaturestoreruntime:putRecord", new[] { "sagemaker:PutRecord" })]
    [InlineData("arn:aws:states:::aws-sdk:sfn:describeExecution", new[] { "states:DescribeExecution" })]
    [InlineData("arn:aws:states:::aws-sdk:eventbridge:putEvents", new[] { "events:PutEvents" })]
    [InlineData("arn:aws:states:::aws-sdk:iot:describeThingGroup", new[] { "iot:DescribeThingGroup" })]
    [InlineData("arn:aws:states:::aws-sdk:s3:listObjectsV2", new[] { "s3:ListBucket" })]
    [InlineData("arn:aws:states:::aws-sdk:cloudwatch:putMetricData", new[] { "cloudwatch:PutMetricData" })]
    [InlineData("arn:aws:states:::aws-sdk:athena:getQueryResults", new[] { "athena:GetQueryResults" })]
    [InlineData("arn:aws:states:::aws-sdk:ssm:getParameter", new[] { "ssm:GetParameter" })]
    public void Derives_the_iam_actions_of_a_task(string resource, string[] actions)
    {
        var derived = new RequiredActions(s_catalog).For([new AslTask("T", resource, null)]).Select(a => a.Action!.Action);

        Assert.Equal(actions, derived);
    }

    [Theory]
    [InlineData("s3:GetObject", "s3:getobject", true)]
    [InlineData("kms:GenerateDataKey*", "kms:GenerateDataKeyWithoutPlaintext", true)]
    [InlineData("s3:Get*", "s3:PutObject", false)]
    [InlineData("*", "greengrass:CreateDeployment", true)]
    public void Matches_granted_actions_case_insensitively_with_wildcards(string granted, string action, bool matches)
    {
        Assert.Equal(matches, ActionPattern.Matches(granted, action));
    }
}
