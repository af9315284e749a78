using EdgeMlOps.Cdk.EdgeDeployment.Components;
using EdgeMlOps.EdgeDeployment.RenderModelRecipe;
using Xunit;

namespace EdgeDeployment.Tests.Lambdas;

public sealed class VersionDerivationTests
{
    [Theory]
    [InlineData(1, "1.0.0")]
    [InlineData(3, "3.0.0")]
    [InlineData(1234, "1234.0.0")]
    public void Model_component_version_is_the_package_version(int packageVersion, string expected)
    {
        Assert.Equal(expected, ModelComponentVersion.FromModelPackageVersion(packageVersion));
    }

    [Fact]
    public void Same_package_version_gives_the_same_component_version_so_a_rerun_reuses_it()
    {
        Assert.Equal(ModelComponentVersion.FromModelPackageVersion(7), ModelComponentVersion.FromModelPackageVersion(7));
    }

    [Fact]
    public void Fails_for_a_package_without_version()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ModelComponentVersion.FromModelPackageVersion(0));
    }

    [Fact]
    public void Inference_version_changes_exactly_when_the_content_hash_does()
    {
        var first = ContentVersion.FromContentHash("8fff4f5bcbb789f1e48740be43599a741e2192a25f027bb5b30e1a523eb44f69");
        var same = ContentVersion.FromContentHash("8fff4f5bcbb789f1e48740be43599a741e2192a25f027bb5b30e1a523eb44f69");
        var other = ContentVersion.FromContentHash("dfa107821290688df065b14b720956a8ccdb61654e8b2d1c34bf9497153ebb30");

        Assert.Equal(first, same);
        Assert.NotEqual(first, other);
        Assert.Equal($"1.0.{0x8fff4f5}", first);
    }

    [Fact]
    public void Inference_version_also_changes_when_only_the_recipe_does()
    {
        const string zip = "8fff4f5bcbb789f1e48740be43599a741e2192a25f027bb5b30e1a523eb44f69";

        var before = ContentVersion.FromContentHash(ContentVersion.Combine(zip, "{\"healthTopic\":\"edgemlops/{thingName}/inference/health\"}"));
        var same = ContentVersion.FromContentHash(ContentVersion.Combine(zip, "{\"healthTopic\":\"edgemlops/{thingName}/inference/health\"}"));
        var after = ContentVersion.FromContentHash(ContentVersion.Combine(zip, "{\"healthTopic\":\"plant-7/{thingName}/inference/health\"}"));

        Assert.Equal(before, same);
        Assert.NotEqual(before, after);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("not-a-hash-at-all")]
    public void Fails_for_a_content_hash_that_is_not_hex(string hash)
    {
        Assert.Throws<ArgumentException>(() => ContentVersion.FromContentHash(hash));
    }
}
