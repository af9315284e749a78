using EdgeMlOps.Cdk.App;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Configuration;

// Entry point of `cdk synth`: reads context once, validates the configuration, then builds the apps.
var app = new Amazon.CDK.App();
var environmentName = app.Node.TryGetContext("env") as string ?? "dev";
var selection = app.Node.TryGetContext("app") as string;
var skipBundling = app.Node.TryGetContext("skipBundling") is "true" or true;

try
{
    var repositoryRoot = RepositoryLocator.FindRoot(Directory.GetCurrentDirectory());
    var settings = SettingsLoader.LoadEnvironment(repositoryRoot, environmentName);
    var apps = AppComposer.Select(selection);
    AppComposer.Compose(app, settings, new BuildOptions { RepositoryRoot = repositoryRoot, SkipBundling = skipBundling }, apps);
}
catch (ConfigurationException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}

app.Synth();
return 0;
