using System.Text.Json.Nodes;
using EdgeMlOps.QualityGates.ApiModels;
using EdgeMlOps.QualityGates.Asl;
using EdgeMlOps.QualityGates.Gates;

namespace EdgeMlOps.QualityGates.Tests;

public sealed class SdkIntegrationGateTests
{
    private static readonly ApiModelCatalog s_catalog = new(Repository.Layout.AwsSdkApis);

    private static AslDocument Document(string fixture) =>
        new(fixture, AslDocument.TryParse(File.ReadAllText(Repository.FullPath(Repository.Fixture(fixture))))!);

    private static AslDocument SingleTask(string resource, string parameters) =>
        new("inline", AslDocument.TryParse(
            "{\"StartAt\": \"Call\", \"States\": {\"Call\": {\"Type\": \"Task\", \"Resource\": \"" + resource
            + "\", \"Parameters\": " + parameters + ", \"End\": true}}}")!);

    private static SdkIntegrationGate Gate() => new(s_catalog);

    [Fact]
    public void Passes_on_real_operations_with_real_members_at_every_nesting_level()
    {
        var result = Gate().Run([Document("sdk/valid.asl.json")]);

        Assert.True(result.Passed, string.Join("\n", result.Failures));
        Assert.Equal(6, result.Checked);
    }

    [Fact]
    public void Fails_on_a_misspelled_member_inside_a_static_nested_structure()
    {
        var result = Gate().Run([Document("sdk/misspelled-parameter.asl.json")]);

        Assert.Contains(result.Failures, f => f.Check == "unknown-parameter" && f.Subject == "Deploy the model"
            && f.Message.Contains("com.example.Inference.ComponentVersoin is not a member (did you mean ComponentVersion?)", StringComparison.Ordinal));
        Assert.Contains(result.Failures, f => f.Check == "missing-required" && f.Message.Contains("ComponentVersion", StringComparison.Ordinal));
    }

    [Fact]
    public void Fails_when_a_required_member_is_missing_in_a_parallel_branch()
    {
        var result = Gate().Run([Document("sdk/missing-required.asl.json")]);

        var failure = Assert.Single(result.Failures);
        Assert.Equal(("missing-required", "Read the manifest and check the model/Branches[0]/Read the manifest"), (failure.Check, failure.Subject));
        Assert.Contains("GetObject.Key", failure.Message);
    }

    [Fact]
    public void Fails_on_an_unknown_operation_inside_a_map()
    {
        var result = Gate().Run([Document("sdk/unknown-operation.asl.json")]);

        var failure = Assert.Single(result.Failures);
        Assert.Equal(("unknown-operation", "Store the labels/ItemProcessor/Put the label record"), (failure.Check, failure.Subject));
        Assert.Contains("did you mean putRecord?", failure.Message);
    }

    [Fact]
    public void Fails_on_an_optimized_integration_that_is_not_in_the_table()
    {
        var result = Gate().Run([Document("sdk/unknown-optimized-integration.asl.json")]);

        Assert.Equal("unknown-integration", Assert.Single(result.Failures).Check);
    }

    [Fact]
    public void Fails_on_a_member_spelled_in_the_models_camel_case()
    {
        var result = Gate().Run([SingleTask("arn:aws:states:::aws-sdk:greengrassv2:createDeployment", """{"targetArn": "arn"}""")]);

        Assert.Contains(result.Failures, f => f.Check == "unknown-parameter" && f.Message.Contains("did you mean TargetArn?", StringComparison.Ordinal));
        Assert.Contains(result.Failures, f => f.Check == "missing-required" && f.Message.Contains("TargetArn", StringComparison.Ordinal));
    }

    [Fact]
    public void Accepts_a_required_member_given_as_a_json_path()
    {
        var result = Gate().Run([SingleTask("arn:aws:states:::aws-sdk:sfn:startExecution.waitForTaskToken", """{"StateMachineArn.$": "$.arn", "Input.$": "States.JsonToString($)"}""")]);

        Assert.True(result.Passed, string.Join("\n", result.Failures));
    }

    [Fact]
    public void Checks_jsonata_arguments_members_but_not_a_whole_arguments_expression()
    {
        var misspelled = SingleTask("arn:aws:states:::aws-sdk:s3:getObject", "{}");
        misspelled.Definition["States"]!["Call"]!.AsObject().Remove("Parameters");
        misspelled.Definition["States"]!["Call"]!["Arguments"] = System.Text.Json.Nodes.JsonNode.Parse("""{"Bucket": "b", "Kee": "{% $states.input.key %}"}""");
        var expression = SingleTask("arn:aws:states:::aws-sdk:s3:getObject", "{}");
        expression.Definition["States"]!["Call"]!.AsObject().Remove("Parameters");
        expression.Definition["States"]!["Call"]!["Arguments"] = "{% $states.input.request %}";

        var result = Gate().Run([misspelled, expression]);

        Assert.Equal(["unknown-parameter", "missing-required"], result.Failures.Select(f => f.Check));
        Assert.Equal(2, result.Checked);
    }

    [Fact]
    public void Fails_when_a_number_member_is_given_a_string_such_as_a_placeholder()
    {
        var asString = SingleTask("arn:aws:states:::aws-sdk:s3:getObject", """{"Bucket": "b", "Key": "k", "PartNumber": "${PartNumber}"}""");
        var asNumber = SingleTask("arn:aws:states:::aws-sdk:s3:getObject", """{"Bucket": "b", "Key": "k", "PartNumber.$": "States.StringToJson('${PartNumber}')"}""");

        var failure = Assert.Single(Gate().Run([asString]).Failures);
        Assert.Equal("wrong-type", failure.Check);
        Assert.Contains("GetObject.PartNumber has type integer", failure.Message);
        Assert.True(Gate().Run([asNumber]).Passed);
    }

    [Fact]
    public void Fails_on_the_sync_pattern_for_an_aws_sdk_task()
    {
        var result = Gate().Run([SingleTask("arn:aws:states:::aws-sdk:sagemaker:createTrainingJob.sync", """{"TrainingJobName": "x"}""")]);

        Assert.Contains(result.Failures, f => f.Check == "unsupported-pattern");
    }

    [Theory]
    [InlineData("sagemaker", "sagemaker-2017-07-24.min.json")]
    [InlineData("sagemakerfeaturestoreruntime", "sagemaker-featurestore-runtime-2020-07-01.min.json")]
    [InlineData("greengrassv2", "greengrassv2-2020-11-30.min.json")]
    [InlineData("iot", "iot-2015-05-28.min.json")]
    [InlineData("iotdataplane", "iot-data-2015-05-28.min.json")]
    [InlineData("athena", "athena-2017-05-18.min.json")]
    [InlineData("s3", "s3-2006-03-01.min.json")]
    [InlineData("ssm", "ssm-2014-11-06.min.json")]
    [InlineData("sfn", "states-2016-11-23.min.json")]
    [InlineData("eventbridge", "eventbridge-2015-10-07.min.json")]
    [InlineData("cloudwatch", "monitoring-2010-08-01.min.json")]
    [InlineData("cloudwatchlogs", "logs-2014-03-28.min.json")]
    public void Maps_a_step_functions_service_name_to_its_newest_api_model(string arnService, string modelFile)
    {
        Assert.Equal(modelFile, s_catalog.Find(AwsServiceNames.ModelKey(arnService))?.File);
    }

    [Fact]
    public void Every_optimized_integration_in_the_table_names_a_real_operation()
    {
        var unknown = OptimizedIntegrations.All.Where(i => s_catalog.Find(i.ModelService)?.Input(i.Operation) is null).Select(i => i.Resource);

        Assert.Empty(unknown);
    }

    [Fact]
    public void Finds_tasks_at_the_top_level_in_parallel_branches_and_in_map_processors()
    {
        var tasks = AslTasks.In(Document("sdk/valid.asl.json").Definition).Select(t => t.Path);

        Assert.Equal(
        [
            "Deploy the model",
            "Read the manifest and check the model/Branches[0]/Read the manifest",
            "Read the manifest and check the model/Branches[1]/Describe the model package",
            "Store the labels/ItemProcessor/Put the label record",
            "Count the labels",
            "Start the training",
        ], tasks);
    }

    [Theory]
    [InlineData("arn:aws:states:::aws-sdk:greengrassv2:createDeployment", IntegrationKind.AwsSdk, "greengrassv2", "createDeployment", "")]
    [InlineData("arn:aws:states:::aws-sdk:sfn:startExecution.waitForTaskToken", IntegrationKind.AwsSdk, "sfn", "startExecution", "waitForTaskToken")]
    [InlineData("arn:aws:states:::athena:startQueryExecution.sync", IntegrationKind.Optimized, "athena", "startQueryExecution", "sync")]
    [InlineData("arn:aws:states:::states:startExecution.sync:2", IntegrationKind.Optimized, "states", "startExecution", "sync:2")]
    [InlineData("${ProcessFunctionArn}", IntegrationKind.LambdaFunction, "lambda", "", "")]
    [InlineData("arn:aws:states:eu-west-1:111122223333:activity:review", IntegrationKind.Activity, "states", "", "")]
    public void Parses_a_task_resource(string resource, IntegrationKind kind, string service, string action, string pattern)
    {
        Assert.Equal(new TaskIntegration(kind, service, action, pattern), TaskIntegration.Parse(resource));
    }

    [Fact]
    public void Skips_jsonpath_values_but_checks_static_list_elements()
    {
        var input = s_catalog.Find("sagemakerfeaturestoreruntime")!.Input("PutRecord")!;
        var parameters = JsonNode.Parse("""{"FeatureGroupName": "g", "Record": [{"FeatureName": "a", "ValueAsStrin": "b"}]}""")!.AsObject();

        var problem = Assert.Single(ParameterChecker.Check(input, parameters, "PutRecord"));

        Assert.Equal("unknown-parameter", problem.Check);
        Assert.Contains("PutRecord.Record[0].ValueAsStrin", problem.Message);
    }
}
