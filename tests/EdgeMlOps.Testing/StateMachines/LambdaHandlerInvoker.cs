using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeMlOps.Testing.StateMachines;

/// <summary>
/// Runs real .NET Lambda handlers in this process: <c>Stream M(Stream)</c> or <c>Task&lt;Stream&gt; M(Stream)</c>,
/// static or on a public type with a parameterless constructor, found from the handler string
/// <c>Assembly::Namespace.Type::Method</c> in a probing folder.
/// </summary>
internal static class LambdaHandlerInvoker
{
    // Lambda code reads configuration from process environment variables, which are global: one handler at a time.
    private static readonly SemaphoreSlim s_environmentLock = new(1, 1);
    private static readonly ConcurrentDictionary<(string Handler, string Directory), Func<Stream, Task<Stream>>> s_handlers = new();
    private static readonly ConcurrentDictionary<string, byte> s_probingDirectories = new(StringComparer.Ordinal);

    static LambdaHandlerInvoker()
    {
        // Dependencies of a Lambda assembly loaded from a probing folder come from that folder.
        AssemblyLoadContext.Default.Resolving += (context, name) =>
        {
            foreach (var directory in s_probingDirectories.Keys)
            {
                var candidate = Path.Combine(directory, name.Name + ".dll");
                if (File.Exists(candidate))
                {
                    return context.LoadFromAssemblyPath(candidate);
                }
            }

            return null;
        };
    }

    /// <summary>Invokes the function with a JSON payload and returns its JSON result (null for an empty response).</summary>
    /// <exception cref="StateMachineHarnessException">The handler cannot be found or has an unsupported shape.</exception>
    /// <exception cref="LambdaHandlerException">The handler threw; carries the original exception.</exception>
    public static async Task<JsonNode?> InvokeAsync(
        LambdaFunction function,
        JsonNode? payload,
        string probingDirectory,
        IReadOnlyDictionary<string, string?> environmentOverrides,
        CancellationToken cancellationToken)
    {
        var handler = s_handlers.GetOrAdd((function.Handler, probingDirectory), key => Bind(function, key.Directory));
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["AWS_REGION"] = CloudFormation.FakeAws.Region,
            ["AWS_DEFAULT_REGION"] = CloudFormation.FakeAws.Region,
            ["AWS_LAMBDA_FUNCTION_NAME"] = function.FunctionName,
        };
        foreach (var (name, value) in function.Environment)
        {
            environment[name] = value;
        }

        foreach (var (name, value) in environmentOverrides)
        {
            environment[name] = value;
        }

        await s_environmentLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        var previous = environment.Keys.ToDictionary(k => k, Environment.GetEnvironmentVariable, StringComparer.Ordinal);
        try
        {
            foreach (var (name, value) in environment)
            {
                Environment.SetEnvironmentVariable(name, value);
            }

            var input = new MemoryStream(Encoding.UTF8.GetBytes((payload ?? new JsonObject()).ToJsonString()));
            Stream output;
            try
            {
                output = await handler(input).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                throw new LambdaHandlerException(function, e is TargetInvocationException { InnerException: { } inner } ? inner : e);
            }

            return await ReadJsonAsync(function, output, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var (name, value) in previous)
            {
                Environment.SetEnvironmentVariable(name, value);
            }

            s_environmentLock.Release();
        }
    }

    private static async Task<JsonNode?> ReadJsonAsync(LambdaFunction function, Stream output, CancellationToken cancellationToken)
    {
        await using (output.ConfigureAwait(false))
        {
            if (output.CanSeek)
            {
                output.Position = 0;
            }

            using var reader = new StreamReader(output, Encoding.UTF8);
            var text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            try
            {
                return JsonNode.Parse(text);
            }
            catch (JsonException e)
            {
                // Lambda would return this to Step Functions, which needs JSON.
                throw new LambdaHandlerException(function, new InvalidDataException($"The handler returned text that is not JSON: {e.Message}", e));
            }
        }
    }

    private static Func<Stream, Task<Stream>> Bind(LambdaFunction function, string probingDirectory)
    {
        var parts = function.Handler.Split("::");
        if (parts is not [var assemblyName, var typeName, var methodName])
        {
            throw new StateMachineHarnessException(
                $"Lambda '{function.LogicalId}': Handler '{function.Handler}' is not 'Assembly::Namespace.Type::Method'.");
        }

        var assembly = LoadAssembly(function, assemblyName, probingDirectory);
        var type = assembly.GetType(typeName)
            ?? throw new StateMachineHarnessException(
                $"Lambda '{function.LogicalId}': type '{typeName}' is not in {assembly.Location}.");
        var method = type.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance)
            .FirstOrDefault(m => m.Name == methodName && m.GetParameters() is [{ ParameterType: var p }] && p == typeof(Stream))
            ?? throw new StateMachineHarnessException(
                $"Lambda '{function.LogicalId}': {typeName} has no public method '{methodName}(Stream)'.");
        var target = method.IsStatic ? null : Activator.CreateInstance(type);

        if (method.ReturnType == typeof(Stream))
        {
            return input => Task.FromResult((Stream)method.Invoke(target, [input])!);
        }

        if (method.ReturnType == typeof(Task<Stream>))
        {
            return input => (Task<Stream>)method.Invoke(target, [input])!;
        }

        throw new StateMachineHarnessException(
            $"Lambda '{function.LogicalId}': {typeName}.{methodName} returns {method.ReturnType.Name}; " +
            "supported shapes are 'Stream M(Stream)' and 'Task<Stream> M(Stream)'.");
    }

    private static Assembly LoadAssembly(LambdaFunction function, string assemblyName, string probingDirectory)
    {
        var loaded = AssemblyLoadContext.Default.Assemblies.FirstOrDefault(a => a.GetName().Name == assemblyName);
        if (loaded is not null)
        {
            return loaded;
        }

        var path = Path.Combine(probingDirectory, assemblyName + ".dll");
        if (!File.Exists(path))
        {
            throw new StateMachineHarnessException(
                $"Lambda '{function.LogicalId}': {path} does not exist. Reference the Lambda project from the test " +
                "project (so its assembly is built next to the tests) or set LocalStateMachineOptions.LambdaProbingDirectory.");
        }

        s_probingDirectories.TryAdd(Path.GetFullPath(probingDirectory), 0);
        return AssemblyLoadContext.Default.LoadFromAssemblyPath(Path.GetFullPath(path));
    }
}
