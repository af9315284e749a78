namespace EdgeMlOps.QualityGates.ApiModels;

/// <summary>
/// An optimized Step Functions integration (<c>arn:aws:states:::&lt;service&gt;:&lt;action&gt;[.pattern]</c>):
/// the API operation its Parameters follow, the patterns it supports, and the IAM actions Step Functions
/// documents for it (<see cref="SyncActions"/> are added for <c>.sync</c>, which polls or uses an EventBridge rule).
/// </summary>
public sealed record OptimizedIntegration(
    string Resource,
    string ModelService,
    string Operation,
    IReadOnlyList<string> Patterns,
    IReadOnlyList<string> Actions,
    IReadOnlyList<string> SyncActions);

/// <summary>The optimized integrations this project may use; any other one fails the SDK gate until added here.</summary>
public static class OptimizedIntegrations
{
    private const string Wait = "waitForTaskToken";
    private const string Sync = "sync";

    // The managed EventBridge rule Step Functions creates to learn that a .sync job finished.
    private static readonly string[] s_syncRule = ["events:PutTargets", "events:PutRule", "events:DescribeRule"];

    private static readonly OptimizedIntegration[] s_all =
    [
        new("lambda:invoke", "lambda", "Invoke", ["", Wait], ["lambda:InvokeFunction"], []),
        new("sns:publish", "sns", "Publish", ["", Wait], ["sns:Publish"], []),
        new("sqs:sendMessage", "sqs", "SendMessage", ["", Wait], ["sqs:SendMessage"], []),
        new("events:putEvents", "eventbridge", "PutEvents", ["", Wait], ["events:PutEvents"], []),
        new("states:startExecution", "stepfunctions", "StartExecution", ["", Sync, "sync:2", Wait], ["states:StartExecution"],
            ["states:DescribeExecution", "states:StopExecution", .. s_syncRule]),
        new("athena:startQueryExecution", "athena", "StartQueryExecution", ["", Sync], ["athena:StartQueryExecution"],
            ["athena:GetQueryExecution", "athena:StopQueryExecution"]),
        new("athena:getQueryExecution", "athena", "GetQueryExecution", [""], ["athena:GetQueryExecution"], []),
        new("athena:getQueryResults", "athena", "GetQueryResults", [""], ["athena:GetQueryResults"], []),
        new("athena:stopQueryExecution", "athena", "StopQueryExecution", [""], ["athena:StopQueryExecution"], []),
        new("sagemaker:createTrainingJob", "sagemaker", "CreateTrainingJob", ["", Sync], ["sagemaker:CreateTrainingJob"],
            ["sagemaker:DescribeTrainingJob", "sagemaker:StopTrainingJob", .. s_syncRule]),
        new("sagemaker:createProcessingJob", "sagemaker", "CreateProcessingJob", ["", Sync], ["sagemaker:CreateProcessingJob"],
            ["sagemaker:DescribeProcessingJob", "sagemaker:StopProcessingJob", .. s_syncRule]),
        new("sagemaker:createTransformJob", "sagemaker", "CreateTransformJob", ["", Sync], ["sagemaker:CreateTransformJob"],
            ["sagemaker:DescribeTransformJob", "sagemaker:StopTransformJob", .. s_syncRule]),
        new("sagemaker:createLabelingJob", "sagemaker", "CreateLabelingJob", ["", Sync], ["sagemaker:CreateLabelingJob"],
            ["sagemaker:DescribeLabelingJob", "sagemaker:StopLabelingJob", .. s_syncRule]),
        new("sagemaker:createHyperParameterTuningJob", "sagemaker", "CreateHyperParameterTuningJob", ["", Sync], ["sagemaker:CreateHyperParameterTuningJob"],
            ["sagemaker:DescribeHyperParameterTuningJob", "sagemaker:StopHyperParameterTuningJob", "sagemaker:ListTrainingJobsForHyperParameterTuningJob", .. s_syncRule]),
        new("sagemaker:createModel", "sagemaker", "CreateModel", [""], ["sagemaker:CreateModel"], []),
        new("sagemaker:createEndpointConfig", "sagemaker", "CreateEndpointConfig", [""], ["sagemaker:CreateEndpointConfig"], []),
        new("sagemaker:createEndpoint", "sagemaker", "CreateEndpoint", [""], ["sagemaker:CreateEndpoint"], []),
        new("sagemaker:updateEndpoint", "sagemaker", "UpdateEndpoint", [""], ["sagemaker:UpdateEndpoint"], []),
        new("glue:startJobRun", "glue", "StartJobRun", ["", Sync], ["glue:StartJobRun"], ["glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"]),
        new("codebuild:startBuild", "codebuild", "StartBuild", ["", Sync], ["codebuild:StartBuild"], ["codebuild:StopBuild", "codebuild:BatchGetBuilds", .. s_syncRule]),
        // Distributed Map item readers (AslTasks lists each reader as a task of its Map).
        new("s3:getObject", "s3", "GetObject", [""], ["s3:GetObject"], []),
        new("s3:listObjectsV2", "s3", "ListObjectsV2", [""], ["s3:ListBucket"], []),
        new("dynamodb:getItem", "dynamodb", "GetItem", [""], ["dynamodb:GetItem"], []),
        new("dynamodb:putItem", "dynamodb", "PutItem", [""], ["dynamodb:PutItem"], []),
        new("dynamodb:updateItem", "dynamodb", "UpdateItem", [""], ["dynamodb:UpdateItem"], []),
        new("dynamodb:deleteItem", "dynamodb", "DeleteItem", [""], ["dynamodb:DeleteItem"], []),
    ];

    private static readonly Dictionary<string, OptimizedIntegration> s_byResource = s_all.ToDictionary(i => i.Resource, StringComparer.Ordinal);

    public static IReadOnlyList<OptimizedIntegration> All => s_all;

    public static OptimizedIntegration? Find(string serviceAndAction) => s_byResource.GetValueOrDefault(serviceAndAction);
}
