using System.Text.Json.Nodes;
using EdgeMlOps.Testing.CloudFormation;
using EdgeMlOps.Testing.StateMachines;
using Xunit;

namespace StateMachineHarness.Tests;

public sealed class TemplateDefinitionTests
{
    private static JsonObject TemplateWith(JsonNode definitionString, JsonObject? substitutions = null, string logicalId = "Machine")
    {
        var properties = new JsonObject { ["DefinitionString"] = definitionString };
        if (substitutions is not null)
        {
            properties["DefinitionSubstitutions"] = substitutions;
        }

        return new JsonObject
        {
            ["Resources"] = new JsonObject
            {
                ["Queue"] = new JsonObject { ["Type"] = "AWS::SQS::Queue" },
                [logicalId] = new JsonObject { ["Type"] = "AWS::StepFunctions::StateMachine", ["Properties"] = properties },
            },
        };
    }

    [Fact]
    public void Accepts_a_plain_string_definition()
    {
        var machine = LocalStateMachine.FromTemplate(TemplateWith(
            """{"StartAt":"Done","States":{"Done":{"Type":"Succeed"}}}"""));

        Assert.Equal("Succeed", machine.Definition["States"]!["Done"]!["Type"]!.GetValue<string>());
    }

    [Fact]
    public void Accepts_the_dictionary_shape_of_CDK_Template_ToJSON()
    {
        var cdkShape = new Dictionary<string, object>
        {
            ["Resources"] = new Dictionary<string, object>
            {
                ["Fn"] = new Dictionary<string, object> { ["Type"] = "AWS::Lambda::Function" },
                ["Machine"] = new Dictionary<string, object>
                {
                    ["Type"] = "AWS::StepFunctions::StateMachine",
                    ["Properties"] = new Dictionary<string, object>
                    {
                        ["DefinitionString"] = new Dictionary<string, object>
                        {
                            ["Fn::Join"] = new object[] { "", new object[] { "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Result\":\"", new Dictionary<string, object> { ["Fn::GetAtt"] = new object[] { "Fn", "Arn" } }, "\",\"End\":true}}}" } },
                        },
                    },
                },
            },
        };

        var machine = LocalStateMachine.FromTemplate(cdkShape);

        Assert.Equal("arn:aws:lambda:us-east-1:111111111111:function:Fn", machine.Definition["States"]!["A"]!["Result"]!.GetValue<string>());
    }

    [Fact]
    public void Fails_if_a_placeholder_has_no_substitution()
    {
        var template = TemplateWith(
            """{"StartAt":"A","States":{"A":{"Type":"Pass","Result":"${QueueUrl}/${Missing}","End":true}}}""",
            new JsonObject { ["QueueUrl"] = new JsonObject { ["Ref"] = "Queue" } });

        var error = Assert.Throws<TemplateResolutionException>(() => LocalStateMachine.FromTemplate(template));

        Assert.Contains("${Missing}", error.Message);
        Assert.DoesNotContain("${QueueUrl}", error.Message);
    }

    [Fact]
    public void Fails_if_a_substitution_imports_an_export()
    {
        var template = TemplateWith(
            """{"StartAt":"A","States":{"A":{"Type":"Pass","Result":"${Shared}","End":true}}}""",
            new JsonObject { ["Shared"] = new JsonObject { ["Fn::ImportValue"] = "OtherStack:Bucket" } });

        var error = Assert.Throws<TemplateResolutionException>(() => LocalStateMachine.FromTemplate(template));

        Assert.Contains("Fn::ImportValue", error.Message);
        Assert.Contains("DefinitionSubstitutions.Shared", error.Message);
    }

    [Fact]
    public void Needs_a_logical_id_when_the_template_has_several_state_machines()
    {
        var template = TemplateWith("""{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}""");
        template["Resources"]!["Second"] = template["Resources"]!["Machine"]!.DeepClone();

        var error = Assert.Throws<TemplateResolutionException>(() => LocalStateMachine.FromTemplate(template));
        var second = LocalStateMachine.FromTemplate(template, "Second");

        Assert.Contains("Machine, Second", error.Message);
        Assert.Equal("Second", second.LogicalId);
    }

    [Fact]
    public async Task Rejects_an_invalid_definition_before_running()
    {
        var machine = LocalStateMachine.FromTemplate(TemplateWith(
            """{"StartAt":"Nowhere","States":{"A":{"Type":"Succeed"}}}"""));

        var error = await Assert.ThrowsAsync<StateMachineHarnessException>(() => machine.RunAsync());

        Assert.Contains("not valid ASL", error.Message);
    }
}
