namespace EdgeMlOps.Testing.StateMachines;

/// <summary>A Lambda function declared in the template, with its fake identity and resolved settings.</summary>
/// <param name="LogicalId">The AWS::Lambda::Function's logical id.</param>
/// <param name="FunctionName">What <c>Ref</c> returns: its FunctionName property, else the logical id.</param>
/// <param name="Arn">What <c>Fn::GetAtt [.., Arn]</c> returns.</param>
/// <param name="Handler">The <c>Handler</c> property, <c>Assembly::Namespace.Type::Method</c> for .NET.</param>
/// <param name="Environment">The resolved <c>Environment.Variables</c>.</param>
public sealed record LambdaFunction(
    string LogicalId,
    string FunctionName,
    string Arn,
    string Handler,
    IReadOnlyDictionary<string, string> Environment);
