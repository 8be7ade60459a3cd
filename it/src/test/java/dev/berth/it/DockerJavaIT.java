package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.command.ExecCreateCmdResponse;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Image;
import com.github.dockerjava.api.model.StreamType;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker-java 3.7.1, a real client of the Engine API, against berthd: it speaks unversioned paths
 * and does not negotiate, decodes Docker's JSON into its own model, reads stdcopy frames, and
 * attaches with a plain POST that expects a 200 followed by the raw stream (no Upgrade).
 */
class DockerJavaIT extends SharedDaemon {
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private DockerClient client;

    @BeforeAll
    void connect() {
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost("unix://" + d.socket).build();
        client = DockerClientImpl.getInstance(config,
                new ZerodepDockerHttpClient.Builder().dockerHost(config.getDockerHost()).build());
    }

    @AfterAll
    void disconnect() throws Exception {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void pingVersionInfoAndImages() {
        client.pingCmd().exec();
        assertThat(client.versionCmd().exec().getApiVersion()).isEqualTo("1.52");
        assertThat(client.infoCmd().exec().getOsType()).isEqualTo("linux");
        List<Image> images = client.listImagesCmd().exec();
        assertThat(images).anySatisfy(i -> assertThat(i.getRepoTags()).contains("busybox:latest"));
        String id = client.inspectImageCmd("busybox").exec().getId();
        assertThat(images).anySatisfy(i -> assertThat(i.getId()).isEqualTo(id));
    }

    @Test
    void createStartWaitLogsAndInspect() throws Exception {
        CreateContainerResponse created = client.createContainerCmd("busybox")
                .withName("dj-" + run).withLabels(Map.of("suite", run))
                .withCmd("sh", "-c", "echo to-out; echo to-err >&2; hostname; exit 3")
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none")).exec();
        String id = created.getId();
        client.startContainerCmd(id).exec();
        int code = client.waitContainerCmd(id).exec(new WaitContainerResultCallback()).awaitStatusCode(30, TimeUnit.SECONDS);
        assertThat(code).isEqualTo(3);

        List<Frame> frames = new CopyOnWriteArrayList<>();
        client.logContainerCmd(id).withStdOut(true).withStdErr(true).exec(collect(frames)).awaitCompletion(30, TimeUnit.SECONDS);
        assertThat(text(frames, StreamType.STDOUT)).isEqualTo("to-out\n" + id.substring(0, 12) + "\n");
        assertThat(text(frames, StreamType.STDERR)).isEqualTo("to-err\n");

        InspectContainerResponse inspect = client.inspectContainerCmd(id).exec();
        assertThat(inspect.getName()).isEqualTo("/dj-" + run);
        assertThat(inspect.getState().getStatus()).isEqualTo("exited");
        assertThat(inspect.getState().getExitCodeLong()).isEqualTo(3L);
        assertThat(inspect.getConfig().getLabels()).containsEntry("suite", run);
        assertThat(inspect.getConfig().getHostName()).isEqualTo(id.substring(0, 12));
        assertThat(inspect.getHostConfig().getNetworkMode()).isEqualTo("none");

        List<Container> listed = client.listContainersCmd().withShowAll(true).withLabelFilter(Map.of("suite", run)).exec();
        assertThat(listed).extracting(Container::getId).containsExactly(id);
        assertThat(listed.getFirst().getNames()).containsExactly("/dj-" + run);

        assertThatThrownBy(() -> client.createContainerCmd("busybox").withName("dj-" + run).withCmd("true").exec())
                .isInstanceOf(ConflictException.class).hasMessageContaining("is already in use");
        client.removeContainerCmd(id).exec();
        assertThatThrownBy(() -> client.inspectContainerCmd(id).exec())
                .isInstanceOf(NotFoundException.class).hasMessageContaining("No such container");
    }

    @Test
    void attachWithStdinThroughThePlain200Hijack() throws Exception {
        String id = client.createContainerCmd("busybox").withCmd("sh", "-c", "read line; echo got:$line; echo bye >&2")
                .withStdinOpen(true).withStdInOnce(true).withAttachStdin(true)
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none")).exec().getId();
        List<Frame> frames = new CopyOnWriteArrayList<>();
        ResultCallback.Adapter<Frame> attached = client.attachContainerCmd(id).withStdOut(true).withStdErr(true)
                .withFollowStream(true).withStdIn(new ByteArrayInputStream("hello\n".getBytes(StandardCharsets.UTF_8)))
                .exec(collect(frames));
        attached.awaitStarted(10, TimeUnit.SECONDS);
        client.startContainerCmd(id).exec();
        assertThat(attached.awaitCompletion(30, TimeUnit.SECONDS)).as("attach stream ended").isTrue();
        assertThat(text(frames, StreamType.STDOUT)).isEqualTo("got:hello\n");
        assertThat(text(frames, StreamType.STDERR)).isEqualTo("bye\n");
        assertThat(client.waitContainerCmd(id).exec(new WaitContainerResultCallback()).awaitStatusCode(30, TimeUnit.SECONDS))
                .isZero();
        client.removeContainerCmd(id).exec();
    }

    @Test
    void execSeesTheContainersOwnPidNamespace() throws Exception {
        String id = client.createContainerCmd("busybox").withCmd("sleep", "60")
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none")).exec().getId();
        client.startContainerCmd(id).exec();
        ExecCreateCmdResponse exec = client.execCreateCmd(id).withAttachStdout(true).withAttachStderr(true)
                .withCmd("sh", "-c", "cat /proc/1/cmdline | tr '\\0' ' '; exit 7").exec();
        List<Frame> frames = new CopyOnWriteArrayList<>();
        client.execStartCmd(exec.getId()).exec(collect(frames)).awaitCompletion(30, TimeUnit.SECONDS);
        assertThat(text(frames, StreamType.STDOUT)).isEqualTo("sleep 60 ");
        assertThat(client.inspectExecCmd(exec.getId()).exec().getExitCodeLong()).isEqualTo(7L);

        client.killContainerCmd(id).exec();
        assertThat(client.waitContainerCmd(id).exec(new WaitContainerResultCallback()).awaitStatusCode(30, TimeUnit.SECONDS))
                .isEqualTo(137);
        client.removeContainerCmd(id).withForce(true).exec();
        assertThat(client.listContainersCmd().withShowAll(true).withIdFilter(List.of(id)).exec()).isEmpty();
    }

    private static ResultCallback.Adapter<Frame> collect(List<Frame> frames) {
        return new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Frame frame) {
                frames.add(frame);
            }
        };
    }

    private static String text(List<Frame> frames, StreamType type) {
        StringBuilder sb = new StringBuilder();
        frames.stream().filter(f -> f.getStreamType() == type)
                .forEach(f -> sb.append(new String(f.getPayload(), StandardCharsets.UTF_8)));
        return sb.toString();
    }
}
