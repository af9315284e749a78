namespace EdgeMlOps.Testing.Greengrass;

/// <summary>
/// The Task resources of the edge deployment workflow (<c>statemachines/edge-deployment.asl.json</c>) that call AWS,
/// for fakes of its control plane to register for.
/// </summary>
public static class EdgeDeploymentTasks
{
    private const string Sdk = "arn:aws:states:::aws-sdk:";

    /// <summary>sagemaker:ListModelPackages.</summary>
    public const string ListModelPackages = Sdk + "sagemaker:listModelPackages";

    /// <summary>sagemaker:DescribeModelPackage.</summary>
    public const string DescribeModelPackage = Sdk + "sagemaker:describeModelPackage";

    /// <summary>s3:CopyObject.</summary>
    public const string CopyObject = Sdk + "s3:copyObject";

    /// <summary>greengrassv2:CreateComponentVersion.</summary>
    public const string CreateComponentVersion = Sdk + "greengrassv2:createComponentVersion";

    /// <summary>greengrassv2:DescribeComponent.</summary>
    public const string DescribeComponent = Sdk + "greengrassv2:describeComponent";

    /// <summary>greengrassv2:ListDeployments.</summary>
    public const string ListDeployments = Sdk + "greengrassv2:listDeployments";

    /// <summary>greengrassv2:GetDeployment.</summary>
    public const string GetDeployment = Sdk + "greengrassv2:getDeployment";

    /// <summary>greengrassv2:CreateDeployment.</summary>
    public const string CreateDeployment = Sdk + "greengrassv2:createDeployment";

    /// <summary>greengrassv2:ListCoreDevices.</summary>
    public const string ListCoreDevices = Sdk + "greengrassv2:listCoreDevices";

    /// <summary>iot:ListJobExecutionsForJob.</summary>
    public const string ListJobExecutions = Sdk + "iot:listJobExecutionsForJob";

    /// <summary>iot:ListThingsInThingGroup (does the fleet group have a member at all).</summary>
    public const string ListThingsInThingGroup = Sdk + "iot:listThingsInThingGroup";

    /// <summary>iot:DescribeJob.</summary>
    public const string DescribeJob = Sdk + "iot:describeJob";

    /// <summary>dynamodb:GetItem (the release lock).</summary>
    public const string GetItem = Sdk + "dynamodb:getItem";

    /// <summary>dynamodb:PutItem (taking the release lock; opening a release record in the ledger).</summary>
    public const string PutItem = Sdk + "dynamodb:putItem";

    /// <summary>dynamodb:UpdateItem (a release's phases and outcome in the ledger).</summary>
    public const string UpdateItem = Sdk + "dynamodb:updateItem";

    /// <summary>dynamodb:DeleteItem (releasing the release lock).</summary>
    public const string DeleteItem = Sdk + "dynamodb:deleteItem";

    /// <summary>dynamodb:Query (the health table's model-version index).</summary>
    public const string Query = Sdk + "dynamodb:query";

    /// <summary>dynamodb:BatchGetItem (the canary devices' heartbeats, by thing name, for the approval e-mail's evidence).</summary>
    public const string BatchGetItem = Sdk + "dynamodb:batchGetItem";

    /// <summary>sfn:DescribeExecution (is the release lock's holder still running).</summary>
    public const string DescribeExecution = Sdk + "sfn:describeExecution";

    /// <summary>ssm:GetParameter (the deployed release).</summary>
    public const string GetParameter = Sdk + "ssm:getParameter";

    /// <summary>ssm:PutParameter (the deployed release).</summary>
    public const string PutParameter = Sdk + "ssm:putParameter";

    /// <summary>SNS notifications.</summary>
    public const string Publish = "arn:aws:states:::sns:publish";

    /// <summary>The approval e-mail that waits for its task token.</summary>
    public const string PublishAndWait = "arn:aws:states:::sns:publish.waitForTaskToken";

    /// <summary>Every resource above.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        ListModelPackages, DescribeModelPackage, CopyObject, CreateComponentVersion, DescribeComponent, ListDeployments, GetDeployment,
        CreateDeployment, ListCoreDevices, ListThingsInThingGroup, ListJobExecutions, DescribeJob, GetItem, PutItem, UpdateItem, DeleteItem, Query, BatchGetItem, DescribeExecution, GetParameter,
        PutParameter, Publish, PublishAndWait,
    ];
}
