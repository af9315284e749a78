using System.Text.Json.Nodes;

namespace EdgeMlOps.Testing.StateMachines;

/// <summary>One call of a Task state, as Step Functions would make it.</summary>
/// <param name="StateName">The Task state's name (unique in the whole state machine, Map and Parallel included).</param>
/// <param name="Resource">The state's <c>Resource</c>, e.g. <c>arn:aws:states:::aws-sdk:sagemaker:describeLabelingJob</c>.</param>
/// <param name="Parameters">The effective input after <c>InputPath</c> and <c>Parameters</c> (JSONPaths and intrinsics applied).</param>
public sealed record TaskCall(string StateName, string Resource, JsonNode? Parameters);
