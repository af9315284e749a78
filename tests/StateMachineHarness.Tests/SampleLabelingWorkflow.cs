using System.Text.Json.Nodes;
using EdgeMlOps.Testing.StateMachines;

namespace StateMachineHarness.Tests;

/// <summary>The sample template (Fixtures/sample-labeling.template.json) and the fake identifiers its tokens resolve to.</summary>
internal static class SampleLabelingWorkflow
{
    public const string CreateLabelingJob = "arn:aws:states:::aws-sdk:sagemaker:createLabelingJob";
    public const string DescribeLabelingJob = "arn:aws:states:::aws-sdk:sagemaker:describeLabelingJob";
    public const string PutRecord = "arn:aws:states:::aws-sdk:sagemakerfeaturestoreruntime:putRecord";
    public const string SnsPublish = "arn:aws:states:::sns:publish";

    public const string TagImageFunctionArn = "arn:aws:lambda:us-east-1:111111111111:function:TagImageFunction5E6F7A8B";
    public const string ScoreImagesFunctionArn = "arn:aws:lambda:us-east-1:111111111111:function:ScoreImagesFunction9C0D1E2F";
    public const string AlertTopicArn = "arn:aws:sns:us-east-1:111111111111:AlertTopic2A3B4C5D";
    public const string InputBucketName = "inputbucket39a1b2c3";
    public const string LabelingRoleArn = "arn:aws:iam::111111111111:role/LabelingRole1F2E3D4C";
    public const string FeatureGroupName = "image-features-us-east-1";

    public static string TemplatePath => Path.Combine(AppContext.BaseDirectory, "Fixtures", "sample-labeling.template.json");

    public static string AslPath => Path.Combine(AppContext.BaseDirectory, "Fixtures", "sample-labeling.asl.json");

    public static LocalStateMachine Load(LocalStateMachineOptions? options = null) =>
        LocalStateMachine.FromTemplateFile(TemplatePath, options: options);

    /// <summary>Input with three images: only "1234.jpg" reaches the 0.3 threshold (its name is half digits).</summary>
    public static JsonObject Input(params string[] images) => new()
    {
        ["jobName"] = "job-1",
        ["manifestKey"] = "manifests/batch-1.json",
        ["images"] = new JsonArray([.. (images.Length == 0 ? ["img-001.jpg", "cat.jpg", "1234.jpg"] : images).Select(i => (JsonNode)i)]),
        ["threshold"] = 0.3,
    };

    /// <summary>A scenario where the job starts, is in progress twice, then completes, and every record is stored.</summary>
    public static Scenario HappyPath() => new Scenario()
        .Respond(CreateLabelingJob, """{"LabelingJobArn":"arn:aws:sagemaker:us-east-1:111111111111:labeling-job/job-1"}""")
        .Respond(DescribeLabelingJob,
            """{"LabelingJobStatus":"InProgress"}""",
            """{"LabelingJobStatus":"InProgress"}""",
            """{"LabelingJobStatus":"Completed"}""")
        .Respond(PutRecord, "{}");
}
