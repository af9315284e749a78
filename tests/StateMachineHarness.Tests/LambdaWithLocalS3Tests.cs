using System.Text.Json.Nodes;
using Amazon.S3.Model;
using EdgeMlOps.Testing;
using EdgeMlOps.Testing.StateMachines;
using Xunit;

namespace StateMachineHarness.Tests;

/// <summary>A real Lambda, run by the harness, reaching the local S3 server through scenario environment variables.</summary>
public sealed class LambdaWithLocalS3Tests(S3rverServer s3) : IClassFixture<S3rverServer>
{
    private const string Asl = """
        {
          "StartAt": "Count images",
          "States": {
            "Count images": {
              "Type": "Task",
              "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": { "FunctionName": "${CountFunctionArn}", "Payload": { "prefix.$": "$.prefix" } },
              "OutputPath": "$.Payload",
              "Retry": [ { "ErrorEquals": ["AmazonS3Exception", "HttpRequestException"], "IntervalSeconds": 2, "MaxAttempts": 1 } ],
              "End": true
            }
          }
        }
        """;

    private static LocalStateMachine Machine() => LocalStateMachine.FromTemplate(JsonNode.Parse($$"""
        {
          "Resources": {
            "DataBucket5A2B": { "Type": "AWS::S3::Bucket" },
            "CountFunction1C2D": { "Type": "AWS::Lambda::Function", "Properties": {
              "Handler": "SampleLambda::SampleLambda.CountObjectsFunction::HandleAsync",
              "Environment": { "Variables": { "DATA_BUCKET": { "Ref": "DataBucket5A2B" } } } } },
            "Machine": { "Type": "AWS::StepFunctions::StateMachine", "Properties": {
              "DefinitionString": {{JsonValue.Create(Asl).ToJsonString()}},
              "DefinitionSubstitutions": { "CountFunctionArn": { "Fn::GetAtt": ["CountFunction1C2D", "Arn"] } } } }
          }
        }
        """)!);

    [Fact]
    public async Task Lambda_reads_the_bucket_named_in_the_template_from_the_local_server()
    {
        var machine = Machine();
        var bucket = machine.LambdaFunctions.Values.Single().Environment["DATA_BUCKET"];
        await s3.CreateBucketsAsync(bucket);
        using var client = s3.CreateClient();
        foreach (var key in new[] { "images/a.jpg", "images/b.jpg", "labels/a.json" })
        {
            await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = key });
        }

        var result = await machine.RunAsync(
            JsonNode.Parse("""{"prefix":"images/"}"""),
            new Scenario().WithLambdaEnvironment(s3.ClientEnvironment));

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        Assert.Equal("databucket5a2b", bucket);
        Assert.Equal(2, result.Output!["count"]!.GetValue<int>());
    }
}
