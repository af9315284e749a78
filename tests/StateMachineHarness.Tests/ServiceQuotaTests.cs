using System.Text.Json.Nodes;
using EdgeMlOps.Testing.StateMachines;
using Xunit;

namespace StateMachineHarness.Tests;

/// <summary>
/// The harness holds every run to the service quotas: history events counted as Step Functions records them, 256 KiB
/// of state data (uncatchable States.DataLimitExceeded), inline Map concurrency, Express duration, and Distributed Map
/// children as separate executions with their own limits.
/// </summary>
public sealed class ServiceQuotaTests
{
    private const string Work = "arn:aws:states:::aws-sdk:s3:headObject";
    private const string Notify = "arn:aws:states:::sns:publish";

    private static LocalStateMachine Machine(string asl, string type = "STANDARD") => LocalStateMachine.FromTemplate(new JsonObject
    {
        ["Resources"] = new JsonObject
        {
            ["Machine"] = new JsonObject
            {
                ["Type"] = "AWS::StepFunctions::StateMachine",
                ["Properties"] = new JsonObject { ["DefinitionString"] = asl, ["StateMachineType"] = type },
            },
        },
    });

    private static string Big(int bytes) => new('x', bytes);

    [Fact]
    public async Task Counts_history_events_as_the_service_records_them()
    {
        // ExecutionStarted 1, Pass 2, Task 5 (entered, scheduled, started, succeeded, exited), Wait 2, Choice 2,
        // Succeed 2, ExecutionSucceeded 1.
        var machine = Machine("""
            {"StartAt":"Prepare","States":{
              "Prepare":{"Type":"Pass","Next":"Work"},
              "Work":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:s3:headObject","Parameters":{"Bucket":"b","Key":"k"},"ResultPath":null,"Next":"Pause"},
              "Pause":{"Type":"Wait","Seconds":5,"Next":"Decide"},
              "Decide":{"Type":"Choice","Choices":[{"Variable":"$.go","BooleanEquals":true,"Next":"Done"}],"Default":"Done"},
              "Done":{"Type":"Succeed"}}}
            """);

        var result = await machine.RunAsync(JsonNode.Parse("""{"go":true}"""), new Scenario().Respond(Work, "{}"));

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Equal(15, result.Quota.HistoryEvents);
    }

    [Fact]
    public async Task Counts_map_iterations_and_each_retry_attempt()
    {
        // Execution 2; Map 4 (entered, started, succeeded, exited); 3 iterations x (started, Pass 2, succeeded) = 12;
        // Task 5 + a failed attempt 3 (scheduled, started, failed).
        var machine = Machine("""
            {"StartAt":"Each","States":{
              "Each":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"Echo","States":{"Echo":{"Type":"Pass","End":true}}},"ResultPath":null,"Next":"Work"},
              "Work":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:s3:headObject","Parameters":{"Bucket":"b","Key":"k"},
                      "Retry":[{"ErrorEquals":["S3.SlowDown"],"MaxAttempts":2}],"End":true}}}
            """);
        var scenario = new Scenario().Respond(Work, TaskAnswer.Fail("S3.SlowDown", "slow down"), TaskAnswer.Return("{}"));

        var result = await machine.RunAsync(JsonNode.Parse("""{"items":[1,2,3]}"""), scenario);

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Equal(2 + 4 + 12 + 5 + 3, result.Quota.HistoryEvents);
    }

    [Fact]
    public async Task Fails_a_standard_execution_whose_history_exceeds_25000_events()
    {
        // Each loop costs 4 events (Pass and Choice entered/exited): 7,000 loops need 28,000.
        var machine = Machine("""
            {"StartAt":"Count","States":{
              "Count":{"Type":"Pass","Parameters":{"n.$":"States.MathAdd($.n, 1)"},"Next":"Again"},
              "Again":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericLessThan":7000,"Next":"Count"}],"Default":"Done"},
              "Done":{"Type":"Succeed"}}}
            """);

        var result = await machine.RunAsync(JsonNode.Parse("""{"n":0}"""));

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal("States.HistoryLimitExceeded", result.Error);
        Assert.Contains("25000", result.Cause);
        Assert.InRange(result.Quota.HistoryEvents, 25_001, 25_100);
    }

    [Fact]
    public async Task Lets_an_express_execution_exceed_25000_events()
    {
        var machine = Machine("""
            {"StartAt":"Count","States":{
              "Count":{"Type":"Pass","Parameters":{"n.$":"States.MathAdd($.n, 1)"},"Next":"Again"},
              "Again":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericLessThan":7000,"Next":"Count"}],"Default":"Done"},
              "Done":{"Type":"Succeed"}}}
            """, "EXPRESS");

        var result = await machine.RunAsync(JsonNode.Parse("""{"n":0}"""));

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Equal(WorkflowType.Express, result.WorkflowType);
        Assert.True(result.Quota.HistoryEvents > 25_000);
    }

    private const string CaughtTaskAsl = """
        {"StartAt":"Work","States":{
          "Work":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:s3:headObject","Parameters":{"Bucket":"b","Key.$":"$.key"},
                  "Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.error","Next":"Notify"}],"End":true},
          "Notify":{"Type":"Task","Resource":"arn:aws:states:::sns:publish","Parameters":{"TopicArn":"t","Message":"failed"},"End":true}}}
        """;

    [Fact]
    public async Task Fails_with_an_uncatchable_DataLimitExceeded_when_a_task_result_exceeds_256_KiB()
    {
        var scenario = new Scenario()
            .Respond(Work, TaskAnswer.Return(new JsonObject { ["Body"] = Big(262_144) }))
            .Respond(Notify, "{}");

        var result = await Machine(CaughtTaskAsl).RunAsync(JsonNode.Parse("""{"key":"k"}"""), scenario);

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal("States.DataLimitExceeded", result.Error);
        Assert.Contains("result of Task state 'Work'", result.Cause);
        Assert.Empty(result.InvocationsOf(Notify)); // the Catch never ran
        Assert.DoesNotContain("Notify", result.EnteredStates);
    }

    [Fact]
    public async Task Accepts_a_task_result_of_exactly_256_KiB()
    {
        // {"Body":"…"} is 11 bytes of JSON around the string.
        var scenario = new Scenario().Respond(Work, TaskAnswer.Return(new JsonObject { ["Body"] = Big(262_144 - 11) }));
        var machine = Machine("""
            {"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:s3:headObject","Parameters":{"Bucket":"b","Key":"k"},"ResultSelector":{"ok":true},"End":true}}}
            """);

        var result = await machine.RunAsync(null, scenario);

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Equal(262_144, result.Quota.MaxPayloadBytes);
    }

    [Fact]
    public async Task Fails_when_the_execution_input_exceeds_256_KiB()
    {
        var input = new JsonObject { ["key"] = Big(262_200) };

        var result = await Machine(CaughtTaskAsl).RunAsync(input, new Scenario().Respond(Work, "{}").Respond(Notify, "{}"));

        Assert.Equal(("States.DataLimitExceeded", ExecutionStatus.Failed), (result.Error, result.Status));
        Assert.Contains("execution input", result.Cause);
        Assert.Empty(result.TaskInvocations);
    }

    [Fact]
    public async Task Fails_when_a_state_output_exceeds_256_KiB_even_with_a_catch_after_it()
    {
        var machine = Machine("""
            {"StartAt":"Double","States":{
              "Double":{"Type":"Pass","Parameters":{"a.$":"$.half","b.$":"$.half"},"Next":"Work"},
              "Work":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:s3:headObject","Parameters":{"Bucket":"b","Key":"k"},
                      "Catch":[{"ErrorEquals":["States.ALL"],"Next":"Notify"}],"End":true},
              "Notify":{"Type":"Task","Resource":"arn:aws:states:::sns:publish","Parameters":{"TopicArn":"t","Message":"failed"},"End":true}}}
            """);
        var input = new JsonObject { ["half"] = Big(140_000) };

        var result = await machine.RunAsync(input, new Scenario().Respond(Work, "{}").Respond(Notify, "{}"));

        Assert.Equal(("States.DataLimitExceeded", ExecutionStatus.Failed), (result.Error, result.Status));
        Assert.Contains("output of Pass state 'Double'", result.Cause);
        Assert.Empty(result.InvocationsOf(Notify));
    }

    [Fact]
    public async Task Fails_when_task_parameters_exceed_256_KiB()
    {
        var machine = Machine("""
            {"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:s3:headObject",
              "Parameters":{"Bucket.$":"$.half","Key.$":"$.half"},"Catch":[{"ErrorEquals":["States.ALL"],"Next":"Caught"}],"End":true},
              "Caught":{"Type":"Succeed"}}}
            """);

        var result = await machine.RunAsync(new JsonObject { ["half"] = Big(140_000) }, new Scenario().Respond(Work, "{}"));

        Assert.Equal(("States.DataLimitExceeded", ExecutionStatus.Failed), (result.Error, result.Status));
        Assert.Contains("parameters of Task state 'Work'", result.Cause);
        Assert.Empty(result.TaskInvocations);
    }

    [Fact]
    public async Task Fails_when_a_map_item_exceeds_256_KiB()
    {
        var machine = Machine("""
            {"StartAt":"Each","States":{
              "Each":{"Type":"Map","ItemsPath":"$.items","ItemSelector":{"shared.$":"$.shared","again.$":"$.shared","value.$":"$$.Map.Item.Value"},
                      "ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"Echo","States":{"Echo":{"Type":"Pass","Result":1,"End":true}}},
                      "Catch":[{"ErrorEquals":["States.ALL"],"Next":"Caught"}],"End":true},
              "Caught":{"Type":"Succeed"}}}
            """);
        // The input is ~190 KB; the one item (shared twice plus the value) ~280 KB.
        var input = new JsonObject { ["shared"] = Big(90_000), ["items"] = new JsonArray(Big(100_000)) };

        var result = await machine.RunAsync(input);

        Assert.Equal(("States.DataLimitExceeded", ExecutionStatus.Failed), (result.Error, result.Status));
        Assert.Matches("Pass state 'Echo'|Map state 'Each'", result.Cause); // the item is the iteration's first state input
        Assert.DoesNotContain("Caught", result.EnteredStates);
    }

    [Fact]
    public async Task Runs_an_inline_map_at_most_at_its_declared_concurrency_and_at_most_40_without_one()
    {
        var machine = Machine("""
            {"StartAt":"Limited","States":{
              "Limited":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":3,"ResultPath":null,
                "ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"Work1","States":{"Work1":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:s3:headObject","Parameters":{"Bucket":"b","Key":"k"},"End":true}}},
                "Next":"Unlimited"},
              "Unlimited":{"Type":"Map","ItemsPath":"$.items","ResultPath":null,
                "ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"Work2","States":{"Work2":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:s3:headObject","Parameters":{"Bucket":"b","Key":"k"},"End":true}}},
                "End":true}}}
            """);
        var slow = new SlowAnswer();
        var input = new JsonObject { ["items"] = new JsonArray([.. Enumerable.Range(0, 60).Select(i => (JsonNode)i)]) };

        var result = await machine.RunAsync(input, new Scenario().Handle(Work, slow));

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.InRange(result.Quota.MapConcurrency["Limited"], 1, 3);
        Assert.InRange(result.Quota.MapConcurrency["Unlimited"], 1, 40);
        Assert.Equal(120, result.TaskInvocations.Count);
    }

    [Fact]
    public async Task Times_out_an_express_execution_after_5_minutes_of_simulated_time()
    {
        var machine = Machine("""
            {"StartAt":"Pause","States":{"Pause":{"Type":"Wait","Seconds":301,"Next":"Done"},"Done":{"Type":"Succeed"}}}
            """, "EXPRESS");

        var result = await machine.RunAsync();

        Assert.Equal(ExecutionStatus.TimedOut, result.Status);
        Assert.Equal("States.Timeout", result.Error);
    }

    [Fact]
    public async Task Refuses_a_sync_task_in_an_express_workflow()
    {
        var machine = Machine("""
            {"StartAt":"Build","States":{"Build":{"Type":"Task","Resource":"arn:aws:states:::codebuild:startBuild.sync","Parameters":{"ProjectName":"p"},"End":true}}}
            """, "EXPRESS");

        var error = await Assert.ThrowsAsync<StateMachineHarnessException>(() => machine.RunAsync());

        Assert.Contains("Express workflows do not support", error.Message);
    }

    private const string DistributedAsl = """
        {"StartAt":"Each","States":{
          "Each":{"Type":"Map","MaxConcurrency":4,
            "ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON"},"Parameters":{"Bucket":"records","Key.$":"$.listKey"}},
            "ItemSelector":{"record.$":"$$.Map.Item.Value","run.$":"$.run"},
            "ItemBatcher":{"MaxItemsPerBatch":50},
            "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"Write","States":{
              "Write":{"Type":"Map","ItemsPath":"$.Items","ResultPath":null,"ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"Put","States":{
                "Put":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:s3:headObject","Parameters":{"Bucket":"b","Key.$":"$.record.id"},"ResultPath":null,"End":true}}},
                "Next":"Count"},
              "Count":{"Type":"Pass","Parameters":{"written.$":"States.ArrayLength($.Items)"},"End":true}}},
            "ResultPath":"$.written",
            "Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.error","Next":"Caught"}],
            "End":true},
          "Caught":{"Type":"Pass","End":true}}}
        """;

    private static JsonArray Records(int count, int padding = 0) =>
        new([.. Enumerable.Range(0, count).Select(i => (JsonNode)new JsonObject { ["id"] = $"r{i}", ["pad"] = new string('p', padding) })]);

    [Fact]
    public async Task Runs_a_distributed_map_as_child_executions_each_with_its_own_history()
    {
        var scenario = new Scenario()
            .Respond("arn:aws:states:::s3:getObject", TaskAnswer.Return(Records(1_000)))
            .Respond(Work, "{}");

        var result = await Machine(DistributedAsl).RunAsync(JsonNode.Parse("""{"listKey":"run/records.json","run":"r-1"}"""), scenario);

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        Assert.Equal(20, result.ChildExecutions.Count); // 1,000 records in batches of 50
        Assert.All(result.ChildExecutions, c => Assert.Equal((ExecutionStatus.Succeeded, WorkflowType.Express), (c.Status, c.WorkflowType)));
        Assert.Equal(1_000, result.AllTaskInvocations.Count(i => i.Resource == Work));
        // The parent records the Map Run only: execution 2 + MapStateEntered/Started/MapRunStarted/Succeeded/MapStateSucceeded/Exited 6.
        Assert.Equal(8, result.Quota.HistoryEvents);
        Assert.All(result.Output!["written"]!.AsArray(), w => Assert.Equal(50, w!["written"]!.GetValue<int>()));
        Assert.Contains(result.AllTaskInvocations, i => i.Parameters!["Key"]!.GetValue<string>() == "r999");
        Assert.Empty(result.TaskInvocations); // every Put ran in a child
    }

    [Fact]
    public async Task Fails_a_distributed_map_whose_child_fails_with_a_catchable_tolerance_error()
    {
        var scenario = new Scenario()
            .Respond("arn:aws:states:::s3:getObject", TaskAnswer.Return(Records(100)))
            .Respond(Work, TaskAnswer.Fail("S3.NoSuchKey", "gone"));

        var result = await Machine(DistributedAsl).RunAsync(JsonNode.Parse("""{"listKey":"k","run":"r"}"""), scenario);

        Assert.Equal(ExecutionStatus.Succeeded, result.Status); // caught
        Assert.Contains("Caught", result.EnteredStates);
        Assert.Equal("States.ExceedToleratedFailureThreshold", result.Output!["error"]!["Error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Fails_uncatchably_when_a_distributed_map_batch_exceeds_256_KiB()
    {
        // The batcher keeps batches within 256 KiB, but a single record of ~300 KB cannot fit in any batch.
        var scenario = new Scenario()
            .Respond("arn:aws:states:::s3:getObject", TaskAnswer.Return(Records(3, padding: 300_000)))
            .Respond(Work, "{}");

        var result = await Machine(DistributedAsl).RunAsync(JsonNode.Parse("""{"listKey":"k","run":"r"}"""), scenario);

        Assert.Equal(("States.DataLimitExceeded", ExecutionStatus.Failed), (result.Error, result.Status));
        Assert.DoesNotContain("Caught", result.EnteredStates);
        Assert.Empty(result.ChildExecutions);
    }

    [Fact]
    public async Task Holds_each_distributed_map_child_to_its_own_express_duration()
    {
        var machine = Machine("""
            {"StartAt":"Each","States":{
              "Each":{"Type":"Map","ItemsPath":"$.items",
                "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"Pause","States":{
                  "Pause":{"Type":"Wait","SecondsPath":"$.seconds","End":true}}},
                "End":true}}}
            """);

        var result = await machine.RunAsync(JsonNode.Parse("""{"items":[{"seconds":200},{"seconds":400}]}"""));

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal("States.ExceedToleratedFailureThreshold", result.Error);
        Assert.Contains(result.ChildExecutions, c => c.Status == ExecutionStatus.TimedOut);
        Assert.Contains(result.ChildExecutions, c => c.Status == ExecutionStatus.Succeeded);
    }

    private sealed class SlowAnswer : ITaskHandler
    {
        public async ValueTask<JsonNode?> HandleAsync(TaskCall call, CancellationToken cancellationToken)
        {
            await Task.Delay(5, cancellationToken);
            return new JsonObject();
        }
    }
}
