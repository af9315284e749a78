using System.Text.Json.Nodes;
using EdgeMlOps.Testing.StateMachines;
using Xunit;

namespace StateMachineHarness.Tests;

/// <summary>The ASL features the README promises (and refuses) behave as documented.</summary>
public sealed class InterpreterFeatureTests
{
    private static LocalStateMachine Machine(string asl) => LocalStateMachine.FromTemplate(new JsonObject
    {
        ["Resources"] = new JsonObject
        {
            ["ApprovalQueue"] = new JsonObject { ["Type"] = "AWS::SQS::Queue" },
            ["Machine"] = new JsonObject
            {
                ["Type"] = "AWS::StepFunctions::StateMachine",
                ["Properties"] = new JsonObject
                {
                    ["DefinitionString"] = asl,
                    ["DefinitionSubstitutions"] = new JsonObject { ["ApprovalQueueUrl"] = new JsonObject { ["Ref"] = "ApprovalQueue" } },
                },
            },
        },
    });

    private const string ApprovalAsl = """
        {
          "StartAt": "Request approval",
          "States": {
            "Request approval": {
              "Type": "Task",
              "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
              "Parameters": { "QueueUrl": "${ApprovalQueueUrl}", "MessageBody": { "token.$": "$$.Task.Token", "model.$": "$.model" } },
              "ResultPath": "$.approval",
              "Catch": [ { "ErrorEquals": ["Rejected"], "ResultPath": "$.rejection", "Next": "Rejected" } ],
              "End": true
            },
            "Rejected": { "Type": "Fail", "Error": "NotApproved", "CausePath": "$.rejection.Cause" }
          }
        }
        """;

    [Fact]
    public async Task Answers_a_waitForTaskToken_task_as_if_the_token_were_sent_back()
    {
        var scenario = new Scenario().Respond("arn:aws:states:::sqs:sendMessage.waitForTaskToken", """{"approvedBy":"qa"}""");

        var result = await Machine(ApprovalAsl).RunAsync(JsonNode.Parse("""{"model":"m-7"}"""), scenario);

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Equal("qa", result.Output!["approval"]!["approvedBy"]!.GetValue<string>());
        var call = Assert.Single(result.TaskInvocations);
        Assert.Equal(LocalStateMachine.TaskToken, call.Parameters!["MessageBody"]!["token"]!.GetValue<string>());
        Assert.Equal("https://sqs.us-east-1.amazonaws.com/111111111111/ApprovalQueue", call.Parameters["QueueUrl"]!.GetValue<string>());
    }

    [Fact]
    public async Task Fails_a_waitForTaskToken_task_as_if_SendTaskFailure_were_called()
    {
        var scenario = new Scenario().Respond("Request approval", TaskAnswer.Fail("Rejected", "accuracy too low"));

        var result = await Machine(ApprovalAsl).RunAsync(JsonNode.Parse("""{"model":"m-7"}"""), scenario);

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal(("NotApproved", "accuracy too low"), (result.Error, result.Cause));
    }

    private static LocalStateMachine TokenLambdaMachine(string payloadField) => LocalStateMachine.FromTemplate(new JsonObject
    {
        ["Resources"] = new JsonObject
        {
            ["TagFunction"] = new JsonObject
            {
                ["Type"] = "AWS::Lambda::Function",
                ["Properties"] = new JsonObject { ["Handler"] = "SampleLambda::SampleLambda.TagImageFunction::Handle" },
            },
            ["Machine"] = new JsonObject
            {
                ["Type"] = "AWS::StepFunctions::StateMachine",
                ["Properties"] = new JsonObject
                {
                    ["DefinitionString"] = """
                        { "StartAt": "Tag and wait", "States": { "Tag and wait": {
                            "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                            "Parameters": { "FunctionName": "${TagFunctionArn}", PAYLOAD },
                            "End": true } } }
                        """.Replace("PAYLOAD", payloadField),
                    ["DefinitionSubstitutions"] = new JsonObject
                    {
                        ["TagFunctionArn"] = new JsonObject { ["Fn::GetAtt"] = new JsonArray("TagFunction", "Arn") },
                    },
                },
            },
        },
    });

    [Fact]
    public async Task Answers_a_Lambda_waitForTaskToken_task_from_the_scenario_after_the_real_Lambda_ran()
    {
        var machine = TokenLambdaMachine("""
            "Payload": { "image.$": "$$.Task.Token" }
            """);

        var answered = await machine.RunAsync(null, new Scenario().Respond("Tag and wait", """{"callback":"done"}"""));
        var unanswered = await Assert.ThrowsAsync<StateMachineHarnessException>(() => machine.RunAsync(null, new Scenario()));

        Assert.Equal("done", answered.Output!["callback"]!.GetValue<string>());
        Assert.Contains("task token", unanswered.Message);
    }

    [Fact]
    public async Task Fails_a_Lambda_waitForTaskToken_task_when_the_real_Lambda_throws_before_handing_out_the_token()
    {
        // A JSON string payload cannot be read as the handler's request record: the handler throws JsonException.
        var machine = TokenLambdaMachine("""
            "Payload.$": "$$.Task.Token"
            """);

        var result = await machine.RunAsync(null, new Scenario().Respond("Tag and wait", """{"callback":"done"}"""));

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal("JsonException", result.Error);
        Assert.Equal(TaskAnswerSource.Lambda, Assert.Single(result.TaskInvocations).Source);
    }

    [Fact]
    public async Task Runs_Parallel_branches_and_intrinsic_functions()
    {
        const string asl = """
            {
              "StartAt": "Fan out",
              "States": {
                "Fan out": {
                  "Type": "Parallel",
                  "Branches": [
                    { "StartAt": "Format", "States": { "Format": { "Type": "Pass", "Parameters": {
                        "key.$": "States.Format('models/{}/v{}.onnx', $.name, States.MathAdd($.version, 1))",
                        "batches.$": "States.ArrayPartition($.items, 2)",
                        "count.$": "States.ArrayLength($.items)" }, "End": true } } },
                    { "StartAt": "Encode", "States": { "Encode": { "Type": "Pass", "Parameters": {
                        "json.$": "States.JsonToString($.items)",
                        "parsed.$": "States.StringToJson('{\"a\":1}')",
                        "hash.$": "States.Hash('abc', 'SHA-256')",
                        "id.$": "States.UUID()" }, "End": true } } }
                  ],
                  "End": true
                }
              }
            }
            """;

        var result = await Machine(asl).RunAsync(JsonNode.Parse("""{"name":"defects","version":2,"items":[1,2,3]}"""));

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        var (format, encode) = (result.Output![0]!, result.Output[1]!);
        Assert.Equal("models/defects/v3.onnx", format["key"]!.GetValue<string>());
        Assert.Equal("[[1,2],[3]]", format["batches"]!.ToJsonString());
        Assert.Equal(3, format["count"]!.GetValue<int>());
        Assert.Equal("[1,2,3]", encode["json"]!.GetValue<string>());
        Assert.Equal(1, encode["parsed"]!["a"]!.GetValue<int>());
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", encode["hash"]!.GetValue<string>());
        Assert.True(Guid.TryParse(encode["id"]!.GetValue<string>(), out _));
    }

    [Fact]
    public async Task Provides_execution_and_state_machine_names_in_the_context_object()
    {
        const string asl = """
            { "StartAt": "Name", "States": { "Name": { "Type": "Pass", "Parameters": {
                "execution.$": "$$.Execution.Name", "machine.$": "$$.StateMachine.Name" }, "End": true } } }
            """;

        var result = await Machine(asl).RunAsync();

        Assert.StartsWith("local-", result.Output!["execution"]!.GetValue<string>());
        Assert.Equal("Machine", result.Output["machine"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"Type":"Map","ItemReader":{"Resource":"arn:aws:states:::s3:getObject","Parameters":{"Bucket":"b","Key":"k"}},"ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Pass","End":true}}},"End":true}""", "ItemReader")]
    [InlineData("""{"Type":"Map","ToleratedFailurePercentage":10,"ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Pass","End":true}}},"End":true}""", "ToleratedFailurePercentage")]
    [InlineData("""{"Type":"Pass","Assign":{"x":1},"End":true}""", "Assign")]
    public async Task Refuses_features_the_interpreter_would_silently_ignore(string state, string feature)
    {
        var machine = Machine("""{"StartAt":"S","States":{"S":""" + state + "}}");

        var error = await Assert.ThrowsAsync<StateMachineHarnessException>(() => machine.RunAsync(new JsonArray(1, 2)));

        Assert.Contains($"State 'S': {feature}", error.Message);
    }

    [Fact]
    public async Task Aborts_a_run_that_exceeds_the_scenario_timeout()
    {
        var machine = Machine("""{"StartAt":"Sleep","States":{"Sleep":{"Type":"Wait","Seconds":3600,"End":true}}}""");
        var scenario = new Scenario { RealWaits = true, Timeout = TimeSpan.FromMilliseconds(300) };

        var error = await Assert.ThrowsAsync<StateMachineHarnessException>(() => machine.RunAsync(null, scenario));

        Assert.Contains("Scenario.Timeout", error.Message);
    }
}
