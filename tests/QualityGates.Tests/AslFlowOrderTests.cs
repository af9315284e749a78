using System.Text.Json.Nodes;
using EdgeMlOps.QualityGates.Asl;
using EdgeMlOps.QualityGates.Cli;
using EdgeMlOps.QualityGates.Gates;

namespace EdgeMlOps.QualityGates.Tests;

public sealed class AslFlowOrderTests
{
    private const string OutOfOrder = "flow-order/out-of-order.asl.json";

    public static TheoryData<string> RealFiles => new("statemachines/edge-deployment.asl.json", "statemachines/labeling.asl.json", "statemachines/model-promotion.asl.json", "statemachines/training.asl.json");

    [Fact]
    public void Visit_order_follows_next_then_choices_default_and_catch_depth_first_with_unreachable_states_last()
    {
        var machine = Parse(FixtureText());

        Assert.Equal(
            ["LoadSettings", "CheckInput", "ProcessItems", "RunBoth", "Finish", "NotifyFailure", "Fail", "Never reached"],
            AslFlowOrder.VisitOrder(machine));
    }

    [Fact]
    public void Reorder_puts_every_state_machine_in_visit_order_and_keeps_each_state_unchanged()
    {
        var original = Parse(FixtureText());

        var reordered = Parse(AslFlowOrder.Reorder(FixtureText()));

        Assert.Equal(AslFlowOrder.VisitOrder(original), StateNames(reordered));
        Assert.Equal(["ScoreItem", "StoreScore"], StateNames((JsonObject)reordered["States"]!["ProcessItems"]!["ItemProcessor"]!));
        Assert.Equal(["Right", "Left"], StateNames((JsonObject)reordered["States"]!["RunBoth"]!["Branches"]![0]!));
        foreach (var (name, state) in (JsonObject)original["States"]!)
        {
            var after = reordered["States"]![name]!;
            Assert.True(JsonNode.DeepEquals(Normalized(state!), Normalized(after)), $"state {name} changed");
        }
    }

    [Fact]
    public void Reorder_of_a_file_in_flow_order_returns_it_unchanged()
    {
        var once = AslFlowOrder.Reorder(FixtureText());

        Assert.Equal(once, AslFlowOrder.Reorder(once));
        Assert.DoesNotContain(AslFlowOrder.Check("x.asl.json", once), f => f.Check == "not-in-flow-order");
    }

    [Fact]
    public void Check_reports_each_state_machine_out_of_order_unreachable_states_and_names_not_in_pascal_case()
    {
        var findings = AslFlowOrder.Check(OutOfOrder, FixtureText());

        Assert.Equal(
            ["not-in-flow-order top level", "unreachable-state Never reached", "not-in-flow-order ProcessItems[0]", "not-in-flow-order RunBoth[0]", "state-name-style Never reached"],
            findings.Select(f => $"{f.Check} {f.Subject}"));
        Assert.Contains("position 1 holds 'Finish', expected 'LoadSettings'", findings[0].Message);
        Assert.Contains("1 of 12 state names are not PascalCase", findings[^1].Message);
    }

    [Theory]
    [MemberData(nameof(RealFiles))]
    public void Reorder_of_a_copy_of_a_real_file_moves_states_only(string file)
    {
        var text = File.ReadAllText(Repository.FullPath(file));

        var reordered = AslFlowOrder.Reorder(text);

        var before = Parse(text);
        var after = Parse(reordered);
        Assert.True(JsonNode.DeepEquals(Normalized(before), Normalized(after)), "content changed");
        Assert.Equal(text.Split('\n').Order(StringComparer.Ordinal), reordered.Split('\n').Order(StringComparer.Ordinal));
        Assert.DoesNotContain(AslFlowOrder.Check(file, reordered), f => f.Check is "not-in-flow-order" or "unreachable-state");
    }

    [Fact]
    public void Reorder_command_rewrites_copies_and_its_check_mode_reports_them_first()
    {
        var folder = Directory.CreateTempSubdirectory("reorder-").FullName;
        var copy = Path.Combine(folder, "x.asl.json");
        File.WriteAllText(copy, FixtureText());
        var output = new StringWriter();

        var checkBefore = AslReorderCommand.Run(["--check", copy], output, TextWriter.Null);
        var unchangedByCheck = File.ReadAllText(copy) == FixtureText();
        var reorder = AslReorderCommand.Run([copy], output, TextWriter.Null);
        var checkAfter = AslReorderCommand.Run(["--check", copy], output, TextWriter.Null);

        Assert.Equal((1, true, 0, 0), (checkBefore, unchangedByCheck, reorder, checkAfter));
        Assert.Equal(AslFlowOrder.Reorder(FixtureText()), File.ReadAllText(copy));
        Assert.Contains($"{copy}: already in flow order", output.ToString());
        Directory.Delete(folder, recursive: true);
    }

    [Theory]
    [MemberData(nameof(RealFiles))]
    public void Real_asl_files_are_in_flow_order(string file)
    {
        var findings = new AslStyleGate(Repository.Layout.RepoRoot).Run([file]).Failures;

        Assert.DoesNotContain(findings, f => f.Check is "not-in-flow-order" or "unreachable-state");
    }

    [Theory]
    [MemberData(nameof(RealFiles))]
    public void Real_asl_files_name_states_in_pascal_case(string file)
    {
        var findings = new AslStyleGate(Repository.Layout.RepoRoot).Run([file]).Failures;

        Assert.DoesNotContain(findings, f => f.Check == "state-name-style");
    }

    private static string FixtureText() => File.ReadAllText(Repository.FullPath(Repository.Fixture(OutOfOrder)));

    private static JsonObject Parse(string json) => (JsonObject)JsonNode.Parse(json)!;

    private static List<string> StateNames(JsonObject machine) => ((JsonObject)machine["States"]!).Select(s => s.Key).ToList();

    // Key order is what Reorder changes: compare with every object's keys sorted.
    private static JsonNode? Normalized(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Normalized(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Normalized).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };
}
