using System.Text.Json.Nodes;
using Xunit;

namespace EdgeMlOps.Testing.CloudFormation;

/// <summary>
/// Template assertions shared by the three apps: a rule on the workflow's "Step Functions Execution Status Change"
/// events (FAILED, TIMED_OUT, ABORTED) sends the execution ARN, status, error and cause to the app's topic, and the
/// topic policy lets that rule (events.amazonaws.com) publish.
/// </summary>
public static class ExecutionFailureRule
{
    /// <summary>Asserts the rule for the only state machine and the only topic of the template; returns the rule.</summary>
    public static JsonObject AssertNotifiesTopic(JsonObject template)
    {
        var resources = template["Resources"]!.AsObject();
        string Only(string type) => Assert.Single(resources, r => r.Value!["Type"]!.GetValue<string>() == type).Key;
        var stateMachine = Only("AWS::StepFunctions::StateMachine");
        var topic = Only("AWS::SNS::Topic");

        var (ruleId, rule) = Assert.Single(
            resources.Where(r => r.Value!["Type"]!.GetValue<string>() == "AWS::Events::Rule"
                && r.Value["Properties"]?["EventPattern"]?["detail-type"]?[0]?.GetValue<string>() == "Step Functions Execution Status Change")
                .Select(r => (r.Key, r.Value!.AsObject())));
        var properties = rule["Properties"]!;
        var pattern = properties["EventPattern"]!;
        Assert.Equal("aws.states", pattern["source"]![0]!.GetValue<string>());
        Assert.Equal(["FAILED", "TIMED_OUT", "ABORTED"], pattern["detail"]!["status"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal(stateMachine, pattern["detail"]!["stateMachineArn"]![0]!["Ref"]!.GetValue<string>());

        var target = Assert.Single(properties["Targets"]!.AsArray())!;
        Assert.Equal(topic, target["Arn"]!["Ref"]!.GetValue<string>());
        var paths = target["InputTransformer"]!["InputPathsMap"]!.AsObject().Select(p => p.Value!.GetValue<string>()).ToHashSet();
        Assert.Superset(new HashSet<string> { "$.detail.executionArn", "$.detail.status", "$.detail.error", "$.detail.cause" }, paths);

        var topicPolicy = Assert.Single(resources, r => r.Value!["Type"]!.GetValue<string>() == "AWS::SNS::TopicPolicy"
            && r.Value["Properties"]!["Topics"]!.AsArray().Any(t => t!["Ref"]?.GetValue<string>() == topic)).Value!;
        Assert.Contains(topicPolicy["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray(), s =>
            s!["Effect"]!.GetValue<string>() == "Allow"
            && s["Principal"]?["Service"]?.GetValue<string>() == "events.amazonaws.com"
            && s["Action"]!.GetValue<string>() == "sns:Publish"
            && s["Condition"]?["ArnEquals"]?["aws:SourceArn"]?["Fn::GetAtt"]?[0]?.GetValue<string>() == ruleId);
        return rule;
    }
}
