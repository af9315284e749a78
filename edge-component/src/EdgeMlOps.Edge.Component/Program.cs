using System.Diagnostics;
using System.Runtime.InteropServices;
using EdgeMlOps.Edge.Component.Configuration;
using EdgeMlOps.Edge.Component.Health;
using EdgeMlOps.Edge.Component.Hosting;

namespace EdgeMlOps.Edge.Component;

public static class Program
{
    /// <summary>Exit codes: 0 stopped normally, 2 invalid configuration.</summary>
    public static async Task<int> Main(string[] args)
    {
        var log = ComponentLog.StandardError();
        CommandLineOptions options;
        try
        {
            options = CommandLine.Parse(args);
        }
        catch (SettingsException ex)
        {
            log.Error(ex.Message);
            Console.Error.WriteLine(CommandLine.Usage);
            return 2;
        }

        if (options.ShowHelp)
        {
            Console.WriteLine(CommandLine.Usage);
            return 0;
        }

        using var shutdown = new CancellationTokenSource();
        // SIGTERM is how Greengrass stops a component; SIGINT is Ctrl+C. Both finish the frame in flight and exit 0.
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            log.Info($"{context.Signal} received: finishing the frame in flight and stopping");
            shutdown.Cancel();
        }

        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);

        PlatformServices services;
        try
        {
            services = await PlatformServices.CreateAsync(options, log, shutdown.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            // Stopped while still reaching the nucleus: no frame ran yet, so there is nothing to finish or report.
            log.Info("stopped before start-up completed");
            return 0;
        }

        await using var ownedServices = services;
        var host = new ComponentHost(new ComponentHostProps
        {
            Settings = options.Settings,
            Configuration = services.Configuration,
            Publisher = services.Publisher,
            CaptureSink = services.CaptureSink,
            StateReporter = services.StateReporter,
            Log = log,
        });

        var summary = new RunSummary();
        host.FrameCompleted += summary.Add;
        var stopwatch = Stopwatch.StartNew();
        log.Info($"starting: thing '{options.Settings.ThingName}', model '{options.Settings.ModelPath}', images '{options.Settings.EffectiveImagesPath}' ({services.Description})");
        await host.RunAsync(shutdown.Token).ConfigureAwait(false);
        if (options.Demo || options.Settings.MaxFrames > 0 || !options.Settings.Loop)
        {
            Console.Error.Write(summary.Render(host.Health.Snapshot(), stopwatch.Elapsed));
        }

        log.Info("stopped");
        return 0;
    }
}
