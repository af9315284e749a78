using System.Text;
using System.Text.Json.Nodes;
using EdgeMlOps.Contracts;
using EdgeMlOps.EdgeDeployment.EvaluateFleetHealth;
using EdgeMlOps.Testing.Greengrass;
using Xunit;

namespace EdgeDeployment.Tests.Lambdas;

/// <summary>The approval e-mail's on-device acceptance evidence, from health-table items as the heartbeat rule writes them.</summary>
public sealed class AcceptanceEvidenceTests
{
    private static HealthAcceptance Passed(double parity = 1, double map50 = 0.88) => new()
    {
        Status = AcceptanceStatuses.Passed, Images = 16, Precision = 0.9, Recall = 0.85, Map50 = map50, ExpectedMap50 = 0.9, Parity = parity,
        ParityThreshold = 0.9, MaxConfidenceDifference = 0.002,
    };

    private static JsonObject Item(string thing, HealthAcceptance? acceptance) =>
        HealthTableItems.Heartbeat(thing, 1, "RUNNING", "4.0.0", 400, 0, acceptance: acceptance);

    [Fact]
    public void Each_device_gets_a_line_with_its_metrics_parity_and_status()
    {
        var items = new[]
        {
            Item("press-02", Passed()),
            Item("press-07", new HealthAcceptance
            {
                Status = AcceptanceStatuses.Failed, Message = "3 of 20 training-side boxes not reproduced at IoU >= 0.9", Images = 16, Precision = 0.8, Recall = 0.7,
                Map50 = 0.72, ExpectedMap50 = 0.9, Parity = 0.85, ParityThreshold = 0.9, MaxConfidenceDifference = 0.041,
            }),
        };

        var text = AcceptanceEvidence.Summarise(items, moreItems: false);

        Assert.Equal(
            "On-device acceptance on 2 canary device(s): 1 passed, 1 failed. Over the 2 device(s) that ran the set: precision min 0.8, mean 0.85, recall min 0.7, mean 0.775, " +
            "mAP50 min 0.72, mean 0.8 (training side 0.9), parity min 0.85, mean 0.925 (threshold 0.9), largest confidence difference 0.041.\n" +
            "Per device:\n" +
            "  press-07: failed, precision 0.8, recall 0.7, mAP50 0.72, parity 0.85 (threshold 0.9), largest confidence difference 0.041, 16 images: 3 of 20 training-side boxes not reproduced at IoU >= 0.9\n" +
            "  press-02: passed, precision 0.9, recall 0.85, mAP50 0.88, parity 1 (threshold 0.9), largest confidence difference 0.002, 16 images",
            text);
    }

    [Fact]
    public void A_model_without_an_acceptance_set_and_a_heartbeat_without_the_block_are_told_apart()
    {
        var items = new[] { Item("press-01", new HealthAcceptance()), Item("press-02", null) };

        var text = AcceptanceEvidence.Summarise(items, moreItems: false);

        Assert.Equal("On-device acceptance on 1 canary device(s): 1 none. 1 other canary device(s) sent heartbeats without acceptance results.\nPer device:\n  press-01: none (the model came without an acceptance set)", text);
        Assert.Equal("On-device acceptance: no canary heartbeat with acceptance results was found. 1 other canary device(s) sent heartbeats without acceptance results.",
            AcceptanceEvidence.Summarise([Item("press-02", null)], moreItems: false));
        Assert.Equal("On-device acceptance: no canary heartbeat with acceptance results was found.", AcceptanceEvidence.Summarise([], moreItems: false));
    }

    [Fact]
    public void A_canary_of_50_lists_the_ten_weakest_not_passed_first_and_counts_the_rest_within_the_bound()
    {
        var items = Enumerable.Range(1, 50)
            .Select(i => Item($"canary-{i:00}-{new string('x', 60)}", i % 17 == 0
                ? Passed(parity: 0.5) with { Status = AcceptanceStatuses.Failed, Message = new string('m', 300) }
                : Passed(parity: 0.9 + (i / 1000.0))))
            .ToList();

        var text = AcceptanceEvidence.Summarise(items, moreItems: true);

        Assert.StartsWith("On-device acceptance on 50 (first page of) canary device(s): 48 passed, 2 failed.", text, StringComparison.Ordinal);
        var lines = text.Split('\n');
        Assert.Equal("Per device (the 10 weakest of 50; 40 more not listed):", lines[1]);
        var named = lines.Skip(2).Select(l => l.Trim()[..9]).ToList();
        Assert.Equal(["canary-17", "canary-34", "canary-01", "canary-02", "canary-03", "canary-04", "canary-05", "canary-06", "canary-07", "canary-08"], named);
        // A device's message is cut to 120 characters, its name to 64: the whole text stays within the bound.
        Assert.Contains(": " + new string('m', AcceptanceEvidence.MaxMessageLength), lines[2], StringComparison.Ordinal);
        Assert.DoesNotContain(new string('m', AcceptanceEvidence.MaxMessageLength + 1), text, StringComparison.Ordinal);
        Assert.True(text.Length <= AcceptanceEvidence.MaxCharacters, $"{text.Length} characters");
    }

    [Fact]
    public void The_handler_answers_an_acceptance_evidence_request_with_the_text()
    {
        var request = new JsonObject
        {
            ["acceptanceEvidence"] = new JsonObject { ["Items"] = new JsonArray(Item("press-02", Passed())), ["Count"] = 1, ["ScannedCount"] = 1 },
        };
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(request.ToJsonString()));

        using var output = Function.Handle(input);

        var text = JsonNode.Parse(output)!["text"]!.GetValue<string>();
        Assert.Contains("  press-02: passed, precision 0.9, recall 0.85, mAP50 0.88, parity 1 (threshold 0.9)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_of_the_canary_core_devices_are_the_health_table_keys_at_most_100_each_once()
    {
        var devices = new JsonArray([.. Enumerable.Range(1, 120).Select(i => (JsonNode)new JsonObject { ["CoreDeviceThingName"] = $"canary-{i:000}", ["Status"] = "HEALTHY" }),
            new JsonObject { ["CoreDeviceThingName"] = "canary-001", ["Status"] = "HEALTHY" }]);

        var few = AcceptanceEvidence.KeysFromJson(new JsonObject { ["acceptanceEvidenceKeys"] = new JsonObject { ["CoreDevices"] = new JsonArray(devices[0]!.DeepClone(), devices[120]!.DeepClone()) } });
        var many = AcceptanceEvidence.KeysFromJson(new JsonObject { ["acceptanceEvidenceKeys"] = new JsonObject { ["CoreDevices"] = devices } });

        Assert.Equal("""{"keys":[{"thingName":{"S":"canary-001"}}],"moreDevices":false}""", few.ToJsonString());
        Assert.Equal(AcceptanceEvidence.MaxKeys, many["keys"]!.AsArray().Count);
        Assert.True(many["moreDevices"]!.GetValue<bool>());
    }

    [Fact]
    public void A_batch_get_result_is_summarised_leaving_out_and_counting_heartbeats_of_another_model_version_and_unprocessed_keys()
    {
        var request = new JsonObject
        {
            ["expectedModelComponentVersion"] = "4.0.0",
            ["acceptanceEvidence"] = new JsonObject
            {
                ["keys"] = new JsonArray(),
                ["moreDevices"] = false,
                ["page"] = new JsonObject
                {
                    ["Responses"] = new JsonObject
                    {
                        ["health-table"] = new JsonArray(Item("press-02", Passed()), HealthTableItems.Heartbeat("press-05", 1, "RUNNING", "3.0.0", 400, 0, acceptance: Passed())),
                    },
                    ["UnprocessedKeys"] = new JsonObject { ["health-table"] = new JsonObject { ["Keys"] = new JsonArray(new JsonObject { ["thingName"] = new JsonObject { ["S"] = "press-09" } }) } },
                },
            },
        };

        var text = AcceptanceEvidence.FromJson(request)["text"]!.GetValue<string>();

        Assert.StartsWith("On-device acceptance on 1 canary device(s): 1 passed.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("press-05", text, StringComparison.Ordinal);
        Assert.EndsWith("\n1 canary device(s) report another model component version than 4.0.0 and are not counted.\n1 canary device(s) could not be read (DynamoDB left them unprocessed).", text, StringComparison.Ordinal);
    }
}
