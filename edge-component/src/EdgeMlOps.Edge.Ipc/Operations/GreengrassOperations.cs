namespace EdgeMlOps.Edge.Ipc.Operations;

/// <summary>A Greengrass IPC operation: its name (the <c>operation</c> header) and its shape names.</summary>
internal sealed record IpcOperationModel(string Name, string RequestShape, string ResponseShape, string? EventShape = null);

/// <summary>The operations this client implements, named as in the Greengrass IPC service model.</summary>
internal static class GreengrassOperations
{
    public static readonly IpcOperationModel PublishToIoTCore = new(
        "aws.greengrass#PublishToIoTCore", "aws.greengrass#PublishToIoTCoreRequest", "aws.greengrass#PublishToIoTCoreResponse");

    public static readonly IpcOperationModel GetConfiguration = new(
        "aws.greengrass#GetConfiguration", "aws.greengrass#GetConfigurationRequest", "aws.greengrass#GetConfigurationResponse");

    public static readonly IpcOperationModel SubscribeToConfigurationUpdate = new(
        "aws.greengrass#SubscribeToConfigurationUpdate",
        "aws.greengrass#SubscribeToConfigurationUpdateRequest",
        "aws.greengrass#SubscribeToConfigurationUpdateResponse",
        "aws.greengrass#ConfigurationUpdateEvents");

    public static readonly IpcOperationModel UpdateState = new(
        "aws.greengrass#UpdateState", "aws.greengrass#UpdateStateRequest", "aws.greengrass#UpdateStateResponse");
}
