using System.Globalization;
using Amazon.CDK;
using Amazon.CDK.AWS.Athena;
using Amazon.CDK.AWS.IAM;
using Constructs;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Configuration;
using EdgeMlOps.Cdk.Shared.Constructs;

namespace EdgeMlOps.Cdk.DataLabeling;

public sealed record LabelingWorkflowProps
{
    /// <summary>Validated settings; the <c>labeling</c> section drives the workflow. Required.</summary>
    public required AppSettings Settings { get; init; }

    /// <summary>Where the repository is and whether Lambdas are published. Required.</summary>
    public required BuildOptions Build { get; init; }

    /// <summary>Data bucket: images, manifests, job output, record chunks, Athena results, offline store. Required.</summary>
    public required SecureBucket Bucket { get; init; }

    /// <summary>Where failures and summaries are sent. Required.</summary>
    public required NotificationTopic Topic { get; init; }

    /// <summary>The label store. Required.</summary>
    public required LabelFeatureGroup FeatureGroup { get; init; }

    /// <summary>The worker UI files. Required.</summary>
    public required GroundTruthUi Ui { get; init; }
}

/// <summary>
/// The labeling workflow (<c>statemachines/labeling.asl.json</c>) with its Lambdas, the Athena workgroup of the
/// latest-label query and the role Ground Truth jobs run as. The state machine role gets exactly the actions of
/// its tasks; what the services behind those tasks need is declared as supporting permissions with reasons.
/// </summary>
public sealed class LabelingWorkflow : Construct
{
    public LabelingWorkflow(Construct scope, string id, LabelingWorkflowProps props)
        : base(scope, id)
    {
        var settings = props.Settings;
        var labeling = settings.Labeling;
        var stack = Stack.Of(this);
        var gtLambdas = GroundTruthBuiltInLambdas.For(settings.Region);
        // The loader checked it fits job names (SettingsSchema.MaxJobNamePrefixLength).
        JobNamePrefix = settings.ResourcePrefix;
        var bucket = props.Bucket;

        WorkGroup = new CfnWorkGroup(this, "LatestLabelsQuery", new CfnWorkGroupProps
        {
            Name = $"{settings.ResourcePrefix}-labeling",
            Description = "Runs the labeling workflow's latest-label query against the offline store",
            RecursiveDeleteOption = true,
            WorkGroupConfiguration = new CfnWorkGroup.WorkGroupConfigurationProperty
            {
                EnforceWorkGroupConfiguration = true,
                PublishCloudWatchMetricsEnabled = true,
                ResultConfiguration = new CfnWorkGroup.ResultConfigurationProperty
                {
                    OutputLocation = $"s3://{bucket.BucketName}/{LabelingLayout.AthenaResultsPrefix}",
                    EncryptionConfiguration = new CfnWorkGroup.EncryptionConfigurationProperty
                    {
                        EncryptionOption = "SSE_KMS",
                        KmsKey = bucket.Key.KeyArn,
                    },
                },
            },
        });

        GroundTruthRole = CreateGroundTruthRole(bucket, labeling);

        FindUnlabeledImages = new DotnetFunction(this, "FindUnlabeledImages", new DotnetFunctionProps
        {
            ProjectDirectory = "lambdas/FindUnlabeledImages",
            Handler = "FindUnlabeledImages::EdgeMlOps.Labeling.FindUnlabeledImages.Function::HandleAsync",
            Build = props.Build,
            Description = "Lists the scanned prefixes, drops images already APPROVED, writes the Ground Truth input manifest",
            Timeout = Duration.Minutes(10),
            MemorySize = 1024,
            Environment = new Dictionary<string, string>
            {
                ["DATA_BUCKET"] = bucket.BucketName,
                ["SCAN_PREFIXES"] = string.Join(',', labeling.ScanPrefixes),
                ["MANIFEST_PREFIX"] = LabelingLayout.ManifestPrefix,
                ["MAX_IMAGES_PER_JOB"] = labeling.MaxImagesPerJob.ToString(CultureInfo.InvariantCulture),
                ["JOB_NAME_PREFIX"] = JobNamePrefix,
                ["CAPTURE_PREFIX"] = labeling.CapturePrefix,
                ["SCAN_STATE_KEY"] = LabelingLayout.ScanStateKey,
            },
        });
        foreach (var prefix in labeling.ScanPrefixes)
        {
            bucket.GrantRead(FindUnlabeledImages.Role, $"{prefix}*");
        }

        bucket.GrantRead(FindUnlabeledImages.Role, $"{LabelingLayout.AthenaResultsPrefix}*");
        bucket.GrantPut(FindUnlabeledImages.Role, $"{LabelingLayout.ManifestPrefix}*");
        bucket.GrantReadWrite(FindUnlabeledImages.Role, LabelingLayout.ScanStateKey);

        var recordsEnvironment = new Dictionary<string, string>
        {
            ["DATA_BUCKET"] = bucket.BucketName,
            ["RECORDS_PREFIX"] = LabelingLayout.RecordsPrefix,
            ["LABEL_ATTRIBUTE_NAME"] = LabelingLayout.LabelAttributeName,
            ["VERIFICATION_ATTRIBUTE_NAME"] = LabelingLayout.VerificationAttributeName,
            ["APPROVING_VERIFICATION_CLASS"] = LabelingLayout.ApprovingVerificationClass,
            ["CLASS_COUNT"] = labeling.ClassLabels.Count.ToString(CultureInfo.InvariantCulture),
            ["CHUNK_SIZE"] = LabelingLayout.RecordChunkSize.ToString(CultureInfo.InvariantCulture),
        };
        DotnetFunction RecordsFunction(string id, string handlerClass, string description) => new(this, id, new DotnetFunctionProps
        {
            ProjectDirectory = "lambdas/BuildFeatureRecords",
            Handler = $"BuildFeatureRecords::EdgeMlOps.Labeling.BuildFeatureRecords.{handlerClass}::HandleAsync",
            Build = props.Build,
            Description = description,
            Timeout = Duration.Minutes(5),
            MemorySize = 1024,
            Environment = recordsEnvironment,
        });
        BuildFeatureRecords = RecordsFunction("BuildFeatureRecords", "BuildHandler", "Turns a Ground Truth output manifest into feature record chunks");
        LoadRecordChunk = RecordsFunction("LoadRecordChunk", "LoadChunkHandler", "Returns one chunk of feature records to the Map state");
        RecordChunkOutcome = RecordsFunction("RecordChunkOutcome", "ChunkOutcomeHandler", "Stores the putRecord outcomes of one chunk");
        SummarizeRecordWrites = RecordsFunction("SummarizeRecordWrites", "SummarizeHandler", "Adds up putRecord outcomes and lists failed records");
        bucket.GrantRead(BuildFeatureRecords.Role, $"{LabelingLayout.OutputPrefix}*");
        bucket.GrantPut(BuildFeatureRecords.Role, $"{LabelingLayout.RecordsPrefix}*");
        bucket.GrantRead(LoadRecordChunk.Role, $"{LabelingLayout.RecordsPrefix}*");
        bucket.GrantPut(RecordChunkOutcome.Role, $"{LabelingLayout.RecordsPrefix}*");
        bucket.GrantReadWrite(SummarizeRecordWrites.Role, $"{LabelingLayout.RecordsPrefix}*");

        var functions = new[] { FindUnlabeledImages, BuildFeatureRecords, LoadRecordChunk, RecordChunkOutcome, SummarizeRecordWrites };
        var workforce = LabelingWorkforce.For(labeling, settings.Region);
        var waitPlan = PollWindowPlan.For(labeling.MaxWaitHours, labeling.PollIntervalSeconds);
        var stateMachineName = $"{settings.ResourcePrefix}-labeling";
        // The Distributed Maps start child executions of this state machine (their Map Runs) and read the chunk list.
        var ownArn = stack.FormatArn(new ArnComponents
        {
            Service = "states", Resource = "stateMachine", ResourceName = stateMachineName, ArnFormat = ArnFormat.COLON_RESOURCE_NAME,
        });
        var childExecutions = new[]
        {
            stack.FormatArn(new ArnComponents { Service = "states", Resource = "execution", ResourceName = $"{stateMachineName}/*", ArnFormat = ArnFormat.COLON_RESOURCE_NAME }),
            stack.FormatArn(new ArnComponents { Service = "states", Resource = "express", ResourceName = $"{stateMachineName}/*", ArnFormat = ArnFormat.COLON_RESOURCE_NAME }),
        };
        var fg = props.FeatureGroup;
        var labelingJobArns = stack.FormatArn(new ArnComponents { Service = "sagemaker", Resource = "labeling-job", ResourceName = $"{JobNamePrefix}-*" });
        var glueResources = new[]
        {
            stack.FormatArn(new ArnComponents { Service = "glue", Resource = "catalog" }),
            stack.FormatArn(new ArnComponents { Service = "glue", Resource = "database", ResourceName = fg.DatabaseName }),
            stack.FormatArn(new ArnComponents { Service = "glue", Resource = "table", ResourceName = $"{fg.DatabaseName}/{fg.TableName}" }),
        };

        StateMachine = new AslStateMachine(this, "StateMachine", new AslStateMachineProps
        {
            DefinitionFile = "statemachines/labeling.asl.json",
            Build = props.Build,
            StateMachineName = stateMachineName,
            Substitutions = new Dictionary<string, string>(workforce.Substitutions)
            {
                ["AthenaWorkGroup"] = WorkGroup.Name,
                ["OfflineStoreDatabase"] = fg.DatabaseName,
                ["OfflineStoreTable"] = fg.TableName,
                ["FeatureGroupName"] = fg.FeatureGroupName,
                ["FindUnlabeledImagesFunctionArn"] = FindUnlabeledImages.FunctionArn,
                ["BuildFeatureRecordsFunctionArn"] = BuildFeatureRecords.FunctionArn,
                ["LoadRecordChunkFunctionArn"] = LoadRecordChunk.FunctionArn,
                ["RecordChunkOutcomeFunctionArn"] = RecordChunkOutcome.FunctionArn,
                ["SummarizeRecordWritesFunctionArn"] = SummarizeRecordWrites.FunctionArn,
                ["NotificationTopicArn"] = props.Topic.TopicArn,
                ["GroundTruthRoleArn"] = GroundTruthRole.RoleArn,
                ["DataKeyArn"] = bucket.Key.KeyArn,
                ["LabelingOutputUri"] = $"s3://{bucket.BucketName}/{LabelingLayout.OutputPrefix}",
                ["LabelingTemplateUri"] = props.Ui.LabelingTemplateUri,
                ["VerificationTemplateUri"] = props.Ui.VerificationTemplateUri,
                ["LabelCategoriesUri"] = props.Ui.LabelCategoriesUri,
                ["VerificationCategoriesUri"] = props.Ui.VerificationCategoriesUri,
                ["LabelAttributeName"] = LabelingLayout.LabelAttributeName,
                ["VerificationAttributeName"] = LabelingLayout.VerificationAttributeName,
                ["BoundingBoxPreLambdaArn"] = gtLambdas.BoundingBoxPreHumanTask,
                ["BoundingBoxConsolidationLambdaArn"] = gtLambdas.BoundingBoxConsolidation,
                ["VerificationPreLambdaArn"] = gtLambdas.VerificationPreHumanTask,
                ["VerificationConsolidationLambdaArn"] = gtLambdas.VerificationConsolidation,
                ["WorkteamArn"] = workforce.WorkteamArn,
                ["MaxImagesPerJob"] = Invariant(labeling.MaxImagesPerJob),
                ["WorkersPerObject"] = Invariant(labeling.WorkersPerObject),
                ["TaskTimeLimitSeconds"] = Invariant(labeling.TaskTimeLimitSeconds),
                ["TaskAvailabilityLifetimeSeconds"] = Invariant(labeling.TaskAvailabilityLifetimeSeconds),
                ["MaxConcurrentTaskCount"] = Invariant(labeling.MaxConcurrentTaskCount),
                ["PollIntervalSeconds"] = Invariant(labeling.PollIntervalSeconds),
                ["MaxPollCount"] = Invariant(waitPlan.MaxPolls),
                ["PollsPerWindow"] = Invariant(waitPlan.PollsPerWindow),
                ["PollWindowCount"] = Invariant(waitPlan.WindowCount),
                ["DataBucketName"] = bucket.BucketName,
                ["VerificationEnabled"] = labeling.VerificationEnabled ? "true" : "false",
                ["PutRecordConcurrency"] = Invariant(labeling.PutRecordConcurrency),
            },
            OmittedFields = workforce.OmittedFields,
            TaskPermissions =
            [
                Statement(["glue:GetTable"], glueResources),
                Statement(["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:StopQueryExecution"],
                    [stack.FormatArn(new ArnComponents { Service = "athena", Resource = "workgroup", ResourceName = WorkGroup.Name })]),
                Statement(["lambda:InvokeFunction"], functions.Select(f => f.FunctionArn).ToArray()),
                Statement(["sagemaker:CreateLabelingJob", "sagemaker:DescribeLabelingJob", "sagemaker:StopLabelingJob"], [labelingJobArns]),
                Statement(["sagemaker:PutRecord"], [fg.FeatureGroupArn]),
                Statement(["sns:Publish"], [props.Topic.TopicArn]),
                Statement(["events:PutEvents"], [stack.FormatArn(new ArnComponents { Service = "events", Resource = "event-bus", ResourceName = "default" })]),
                Statement(["states:StartExecution"], [ownArn]),
                Statement(["s3:GetObject"], [bucket.Bucket.ArnForObjects($"{LabelingLayout.RecordsPrefix}*")]),
            ],
            SupportingPermissions =
            [
                new(["iam:PassRole"], [GroundTruthRole.RoleArn], "createLabelingJob passes the Ground Truth role to SageMaker"),
                new(["glue:GetDatabase", "glue:GetPartitions"], glueResources, "The Athena query reads the offline store table's catalog entries"),
                new(["athena:GetDataCatalog"],
                    [stack.FormatArn(new ArnComponents { Service = "athena", Resource = "datacatalog", ResourceName = "AwsDataCatalog" })],
                    "The query names the AwsDataCatalog catalog in its QueryExecutionContext"),
                new(["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation"],
                    [bucket.BucketArn, bucket.Bucket.ArnForObjects($"{LabelingLayout.OfflineStorePrefix}*")],
                    "The Athena query reads the offline store files"),
                new(["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"],
                    [bucket.Bucket.ArnForObjects($"{LabelingLayout.AthenaResultsPrefix}*")], "Athena writes the query result as the caller"),
                new(["kms:Decrypt", "kms:GenerateDataKey*"], [bucket.Key.KeyArn],
                    "Athena reads the KMS-encrypted offline store and writes encrypted results; the data key also encrypts the labeling job output"),
                new(["kms:Decrypt", "kms:GenerateDataKey*"], [props.Topic.Key.KeyArn], "Publishing to the KMS-encrypted notification topic"),
                new(["states:DescribeExecution", "states:StopExecution"], childExecutions,
                    "The Distributed Maps (poll windows, feature record writes) track and stop the child executions of their Map Runs"),
            ],
        });
    }

    public string JobNamePrefix { get; }

    public CfnWorkGroup WorkGroup { get; }

    public Role GroundTruthRole { get; }

    public DotnetFunction FindUnlabeledImages { get; }

    public DotnetFunction BuildFeatureRecords { get; }

    public DotnetFunction LoadRecordChunk { get; }

    public DotnetFunction RecordChunkOutcome { get; }

    public DotnetFunction SummarizeRecordWrites { get; }

    public AslStateMachine StateMachine { get; }


    private Role CreateGroundTruthRole(SecureBucket bucket, LabelingSettings labeling)
    {
        var role = new Role(this, "GroundTruthRole", new RoleProps
        {
            AssumedBy = new ServicePrincipal("sagemaker.amazonaws.com"),
            Description = "Role the Ground Truth labeling and verification jobs run as",
        });
        foreach (var prefix in labeling.ScanPrefixes)
        {
            bucket.GrantRead(role, $"{prefix}*");
        }

        bucket.GrantRead(role, $"{LabelingLayout.ManifestPrefix}*");
        bucket.GrantRead(role, $"{LabelingLayout.UiPrefix}*");
        bucket.GrantReadWrite(role, $"{LabelingLayout.OutputPrefix}*");
        var stack = Stack.Of(this);
        role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            Resources = [stack.FormatArn(new ArnComponents
            {
                Service = "logs",
                Resource = "log-group",
                ResourceName = "/aws/sagemaker/LabelingJobs*",
                ArnFormat = ArnFormat.COLON_RESOURCE_NAME,
            })],
        }));
        return role;
    }

    private static PolicyStatement Statement(string[] actions, string[] resources) =>
        new(new PolicyStatementProps { Actions = actions, Resources = resources });

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
