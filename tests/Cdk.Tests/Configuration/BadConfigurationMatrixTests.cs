using EdgeMlOps.Cdk.Shared.Configuration;

namespace EdgeMlOps.Cdk.Tests.Configuration;

/// <summary>Every case of the bad-configuration matrix, through the loader: one ConfigurationException, nothing else.</summary>
public sealed class BadConfigurationMatrixTests
{
    [Theory]
    [MemberData(nameof(BadConfigurationCases.Names), MemberType = typeof(BadConfigurationCases))]
    public void Fails_with_problems_naming_the_file_key_value_and_what_is_allowed(string name)
    {
        var workspace = BadConfigurationCases.WriteWorkspace(name);
        try
        {
            var error = Assert.Throws<ConfigurationException>(() => SettingsLoader.LoadEnvironment(workspace, "bad"));

            Assert.NotEmpty(error.Problems);
            Assert.All(error.Problems, p => Assert.StartsWith(BadConfigurationCases.FileName + ": ", p, StringComparison.Ordinal));
            var all = string.Join("\n", error.Problems);
            foreach (var expected in BadConfigurationCases.Cases[name].Expected)
            {
                Assert.Contains(expected, all, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(workspace, recursive: true);
        }
    }

    [Fact]
    public void Fails_if_a_written_but_invalid_connection_arn_is_also_reported_as_missing()
    {
        var workspace = BadConfigurationCases.WriteWorkspace("invalid connectionArn");
        try
        {
            var error = Assert.Throws<ConfigurationException>(() => SettingsLoader.LoadEnvironment(workspace, "bad"));

            Assert.Equal("config/bad.yaml: sourceRepository.connectionArn must be a CodeConnections connection ARN (arn:aws:codeconnections:...:connection/...), got 'not-an-arn'", Assert.Single(error.Problems));
        }
        finally
        {
            Directory.Delete(workspace, recursive: true);
        }
    }
}
