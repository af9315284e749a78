namespace EdgeMlOps.Labeling.Common;

/// <summary>Reads the environment variables the CDK stack sets on a function; a missing one is a deployment bug.</summary>
public static class LambdaEnvironment
{
    public static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"Environment variable {name} is not set");

    public static int RequiredInt(string name)
    {
        var text = Required(name);
        return int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidOperationException($"Environment variable {name} must be an integer, got '{text}'");
    }
}
