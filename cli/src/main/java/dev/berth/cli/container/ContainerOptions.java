package dev.berth.cli.container;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The flags shared by {@code run} and {@code create}, named as Docker names them. Plain fields:
 * {@link CreateRequest} turns them into the create body, so tests can fill them by hand.
 */
public final class ContainerOptions {
    @Option(names = {"-i", "--interactive"}, description = "Keep STDIN open even if not attached") public boolean interactive;
    @Option(names = {"-t", "--tty"}, description = "Allocate a pseudo-TTY") public boolean tty;
    @Option(names = {"-a", "--attach"}, description = "Attach to STDIN, STDOUT or STDERR") public List<String> attach = new ArrayList<>();
    @Option(names = "--name", description = "Assign a name to the container") public String name;
    @Option(names = {"-e", "--env"}, description = "Set environment variables") public List<String> env = new ArrayList<>();
    @Option(names = "--env-file", description = "Read in a file of environment variables") public List<String> envFile = new ArrayList<>();
    @Option(names = {"-w", "--workdir"}, description = "Working directory inside the container") public String workdir;
    @Option(names = {"-u", "--user"}, description = "Username or UID (format: <name|uid>[:<group|gid>])") public String user;
    @Option(names = "--entrypoint", description = "Overwrite the default ENTRYPOINT of the image") public String entrypoint;
    @Option(names = {"-h", "--hostname"}, description = "Container host name") public String hostname;
    @Option(names = "--domainname", description = "Container NIS domain name") public String domainname;
    @Option(names = {"-l", "--label"}, description = "Set meta data on a container") public List<String> label = new ArrayList<>();
    @Option(names = "--label-file", description = "Read in a line delimited file of labels") public List<String> labelFile = new ArrayList<>();
    @Option(names = "--stop-signal", description = "Signal to stop the container") public String stopSignal;
    @Option(names = "--stop-timeout", description = "Timeout (in seconds) to stop a container") public Integer stopTimeout;
    @Option(names = "--runtime", description = "Runtime to use for this container") public String runtime;
    @Option(names = "--read-only", description = "Mount the container's root filesystem as read only") public boolean readOnly;
    @Option(names = "--privileged", description = "Give extended privileges to this container") public boolean privileged;
    @Option(names = {"--network", "--net"}, description = "Connect a container to a network") public String network;
    @Option(names = {"--network-alias", "--net-alias"}, description = "Add network-scoped alias for the container") public List<String> networkAlias = new ArrayList<>();
    @Option(names = "--ip", description = "IPv4 address (e.g., 172.30.100.104)") public String ip;
    @Option(names = "--mac-address", description = "Container MAC address") public String macAddress;
    @Option(names = "--dns", description = "Set custom DNS servers") public List<String> dns = new ArrayList<>();
    @Option(names = "--dns-search", description = "Set custom DNS search domains") public List<String> dnsSearch = new ArrayList<>();
    @Option(names = {"--dns-option", "--dns-opt"}, description = "Set DNS options") public List<String> dnsOption = new ArrayList<>();
    @Option(names = "--add-host", description = "Add a custom host-to-IP mapping (host:ip)") public List<String> addHost = new ArrayList<>();
    @Option(names = "--link", description = "Add link to another container") public List<String> link = new ArrayList<>();
    @Option(names = "--detach-keys", description = "Override the key sequence for detaching a container") public String detachKeys;
    @Option(names = "--init", description = "Run an init inside the container that forwards signals and reaps processes") public boolean init;
    @Option(names = {"-p", "--publish"}, description = "Publish a container's port(s) to the host") public List<String> publish = new ArrayList<>();
    @Option(names = {"-P", "--publish-all"}, description = "Publish all exposed ports to random ports") public boolean publishAll;
    @Option(names = "--expose", description = "Expose a port or a range of ports") public List<String> expose = new ArrayList<>();
    @Option(names = {"-v", "--volume"}, description = "Bind mount a volume") public List<String> volume = new ArrayList<>();
    @Option(names = "--mount", description = "Attach a filesystem mount to the container") public List<String> mount = new ArrayList<>();
    @Option(names = "--tmpfs", description = "Mount a tmpfs directory") public List<String> tmpfs = new ArrayList<>();
    @Option(names = "--volumes-from", description = "Mount volumes from the specified container(s)") public List<String> volumesFrom = new ArrayList<>();
    @Option(names = "--volume-driver", description = "Optional volume driver for the container") public String volumeDriver;
    @Option(names = "--restart", description = "Restart policy to apply when a container exits (default \"no\")") public String restart;
    @Option(names = "--rm", description = "Automatically remove the container and its associated anonymous volumes when it exits") public boolean rm;
    @Option(names = {"-m", "--memory"}, description = "Memory limit") public String memory;
    @Option(names = "--memory-reservation", description = "Memory soft limit") public String memoryReservation;
    @Option(names = "--memory-swap", description = "Swap limit equal to memory plus swap: '-1' to enable unlimited swap") public String memorySwap;
    @Option(names = "--memory-swappiness", description = "Tune container memory swappiness (0 to 100)") public Long memorySwappiness;
    @Option(names = "--oom-kill-disable", description = "Disable OOM Killer") public boolean oomKillDisable;
    @Option(names = "--oom-score-adj", description = "Tune host's OOM preferences (-1000 to 1000)") public Integer oomScoreAdj;
    @Option(names = "--pids-limit", description = "Tune container pids limit (set -1 for unlimited)") public Long pidsLimit;
    @Option(names = "--shm-size", description = "Size of /dev/shm") public String shmSize;
    @Option(names = "--cpus", description = "Number of CPUs") public String cpus;
    @Option(names = {"-c", "--cpu-shares"}, description = "CPU shares (relative weight)") public Long cpuShares;
    @Option(names = "--cpu-period", description = "Limit CPU CFS (Completely Fair Scheduler) period") public Long cpuPeriod;
    @Option(names = "--cpu-quota", description = "Limit CPU CFS (Completely Fair Scheduler) quota") public Long cpuQuota;
    @Option(names = "--cpuset-cpus", description = "CPUs in which to allow execution (0-3, 0,1)") public String cpusetCpus;
    @Option(names = "--cpuset-mems", description = "MEMs in which to allow execution (0-3, 0,1)") public String cpusetMems;
    @Option(names = "--blkio-weight", description = "Block IO (relative weight), between 10 and 1000, or 0 to disable") public Integer blkioWeight;
    @Option(names = "--ulimit", description = "Ulimit options") public List<String> ulimit = new ArrayList<>();
    @Option(names = "--cap-add", description = "Add Linux capabilities") public List<String> capAdd = new ArrayList<>();
    @Option(names = "--cap-drop", description = "Drop Linux capabilities") public List<String> capDrop = new ArrayList<>();
    @Option(names = "--security-opt", description = "Security Options") public List<String> securityOpt = new ArrayList<>();
    @Option(names = "--device", description = "Add a host device to the container") public List<String> device = new ArrayList<>();
    @Option(names = "--group-add", description = "Add additional groups to join") public List<String> groupAdd = new ArrayList<>();
    @Option(names = "--sysctl", description = "Sysctl options") public List<String> sysctl = new ArrayList<>();
    @Option(names = "--pid", description = "PID namespace to use") public String pid;
    @Option(names = "--ipc", description = "IPC mode to use") public String ipc;
    @Option(names = "--uts", description = "UTS namespace to use") public String uts;
    @Option(names = "--userns", description = "User namespace to use") public String userns;
    @Option(names = "--cgroupns", description = "Cgroup namespace to use (host|private)") public String cgroupns;
    @Option(names = "--cgroup-parent", description = "Optional parent cgroup for the container") public String cgroupParent;
    @Option(names = "--log-driver", description = "Logging driver for the container") public String logDriver;
    @Option(names = "--log-opt", description = "Log driver options") public List<String> logOpt = new ArrayList<>();
    @Option(names = "--health-cmd", description = "Command to run to check health") public String healthCmd;
    @Option(names = "--health-interval", description = "Time between running the check (ms|s|m|h)") public String healthInterval;
    @Option(names = "--health-timeout", description = "Maximum time to allow one check to run (ms|s|m|h)") public String healthTimeout;
    @Option(names = "--health-start-period", description = "Start period for the container to initialize (ms|s|m|h)") public String healthStartPeriod;
    @Option(names = "--health-start-interval", description = "Time between running the check during the start period (ms|s|m|h)") public String healthStartInterval;
    @Option(names = "--health-retries", description = "Consecutive failures needed to report unhealthy") public Integer healthRetries;
    @Option(names = "--no-healthcheck", description = "Disable any container-specified HEALTHCHECK") public boolean noHealthcheck;
    @Option(names = "--platform", description = "Set platform if server is multi-platform capable") public String platform;
    @Option(names = "--pull", description = "Pull image before running (\"always\", \"missing\", \"never\")") public String pull;
    @Option(names = "--cidfile", description = "Write the container ID to the file") public String cidfile;

    @Parameters(index = "0", paramLabel = "IMAGE") public String image;
    @Parameters(index = "1..*", paramLabel = "COMMAND", arity = "0..*") public List<String> command = new ArrayList<>();
}
