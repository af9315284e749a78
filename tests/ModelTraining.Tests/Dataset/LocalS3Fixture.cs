using EdgeMlOps.Testing;

namespace EdgeMlOps.ModelTraining.Tests.Dataset;

/// <summary>One s3rver per test class (xunit needs a fixture with a single constructor; S3rverServer has two).</summary>
public sealed class LocalS3Fixture : IAsyncLifetime
{
    public S3rverServer Server { get; } = new();

    public Task InitializeAsync() => Server.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
