import { useCallback, useEffect, useRef, useState } from 'react';
import { Alert, Badge, Box, Button, FileInput, Group, Image, List, Loader, SegmentedControl, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { checkFaceQuality, IMAGE_MAX_BYTES, type FaceQuality } from './biometrics.api';
import { frameChecks, isCentred, type FrameChecks } from './frame-checks';

/** A frame or a file, with what the face engine said of it. */
interface Still {
  blob: Blob;
  url: string;
  width: number;
  height: number;
}

/** How often the live checks run in the browser, and how often a frame is sent to the engine for its verdict. */
const LOCAL_CHECK_MS = 300;
const ENGINE_CHECK_MS = 2500;
/** The longest side of a frame sent for the live verdict (the photo taken is sent whole). */
const LIVE_FRAME_SIDE = 640;

export interface FaceCaptureProps {
  /** `enrol` applies the engine's strict rules (a reference for years); `probe` the lenient ones of a check. */
  purpose?: 'enrol' | 'probe';
  /** Called with the photo the operator accepted (after the engine's verdict); may be async (the button waits). */
  onAccept: (image: Blob, verdict: FaceQuality) => unknown;
  acceptLabel?: string;
  /** Disables the accept button (e.g. while the caller saves). */
  busy?: boolean;
  testId?: string;
  /** The engine's verdict on a frame (default: POST /biometrics/face/quality); the checkpoint page asks its own route. */
  checkQuality?: (image: Blob, purpose: 'enrol' | 'probe', signal?: AbortSignal) => Promise<FaceQuality>;
}

/**
 * Face capture at the point of contact: the device camera (getUserMedia) with live guidance (lit and sharp, checked in
 * the browser several times a second; one face, centred, checked by the face engine every few seconds), a photo
 * taken from the video, the engine's quality verdict on that photo before it is used, and an image upload when there
 * is no camera or no permission. Reused by enrolment, the record's biometrics panel and checks.
 */
export function FaceCapture({
  purpose = 'enrol',
  onAccept,
  acceptLabel,
  busy = false,
  testId = 'face-capture',
  checkQuality = checkFaceQuality,
}: FaceCaptureProps) {
  const { t } = useTranslation('biometrics');
  const hasCamera = typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getUserMedia;
  const [mode, setMode] = useState<'camera' | 'upload'>(hasCamera ? 'camera' : 'upload');
  const [cameraProblem, setCameraProblem] = useState<string | null>(hasCamera ? null : t('camera.unsupported'));
  const [still, setStill] = useState<Still | null>(null);
  const [verdict, setVerdict] = useState<FaceQuality | null>(null);
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [accepting, setAccepting] = useState(false);
  const [file, setFile] = useState<File | null>(null);

  const reset = useCallback(() => {
    setStill((s) => {
      if (s) URL.revokeObjectURL(s.url);
      return null;
    });
    setVerdict(null);
    setError(null);
  }, []);

  useEffect(() => () => reset(), [reset]);

  const judge = useCallback(
    async (s: Still) => {
      setStill(s);
      setVerdict(null);
      setError(null);
      setChecking(true);
      try {
        setVerdict(await checkQuality(s.blob, purpose));
      } catch (e) {
        setError(e);
      } finally {
        setChecking(false);
      }
    },
    [purpose, checkQuality],
  );

  const onCameraFailed = useCallback(
    (e: unknown) => {
      const name = (e as { name?: string })?.name;
      setCameraProblem(
        name === 'NotAllowedError' || name === 'SecurityError'
          ? t('camera.denied')
          : name === 'NotFoundError' || name === 'OverconstrainedError'
            ? t('camera.none')
            : t('camera.failed'),
      );
      setMode('upload');
    },
    [t],
  );

  async function onFile(f: File | null) {
    setFile(f);
    reset();
    if (!f) return;
    if (f.size > IMAGE_MAX_BYTES) return;
    const url = URL.createObjectURL(f);
    const size = await imageSize(url).catch(() => ({ width: 0, height: 0 }));
    await judge({ blob: f, url, ...size });
  }

  async function accept() {
    if (!still || !verdict) return;
    setAccepting(true);
    try {
      await onAccept(still.blob, verdict);
    } finally {
      setAccepting(false);
    }
  }

  const centred = still && verdict?.box ? isCentred(verdict.box, still.width, still.height) : null;
  const usable = !!verdict && (verdict.ok || purpose === 'probe');

  return (
    <Stack gap="sm" data-testid={testId}>
      <SegmentedControl
        value={mode}
        onChange={(v) => {
          reset();
          setMode(v as 'camera' | 'upload');
        }}
        data={[
          { value: 'camera', label: t('capture.camera'), disabled: !hasCamera },
          { value: 'upload', label: t('capture.upload') },
        ]}
        data-testid={`${testId}-mode`}
      />
      {cameraProblem && mode === 'upload' && (
        <Alert color="yellow" variant="light" data-testid={`${testId}-camera-problem`}>
          {cameraProblem}
        </Alert>
      )}

      {mode === 'camera' && !still && <LiveCamera purpose={purpose} onTake={judge} onFailed={onCameraFailed} testId={testId} checkQuality={checkQuality} />}

      {mode === 'upload' && !still && (
        <FileInput
          label={t('capture.file')}
          description={t('capture.fileHint')}
          placeholder={t('capture.choose')}
          accept="image/jpeg,image/png,image/webp"
          value={file}
          onChange={(f) => void onFile(f)}
          clearable
          size="md"
          error={file && file.size > IMAGE_MAX_BYTES ? t('capture.tooBig') : undefined}
          data-testid={`${testId}-file`}
        />
      )}

      {still && (
        <Stack gap="xs">
          <Box style={{ position: 'relative', alignSelf: 'center', maxWidth: '100%' }}>
            <Image src={still.url} alt={t('capture.taken')} mah={320} w="auto" fit="contain" radius="sm" data-testid={`${testId}-still`} />
          </Box>
          {checking && (
            <Group gap="xs" data-testid={`${testId}-checking`}>
              <Loader size="sm" />
              <Text size="sm">{t('verdict.checking')}</Text>
            </Group>
          )}
          <ApiErrorAlert error={error} title={t('verdict.unreadable')} testId={`${testId}-error`} />
          {verdict && <Verdict verdict={verdict} centred={centred} testId={testId} />}
          <Group gap="xs" justify="flex-end">
            <Button
              variant="default"
              onClick={() => (mode === 'upload' ? void onFile(null) : reset())}
              disabled={accepting || busy}
              data-testid={`${testId}-retake`}
            >
              {mode === 'camera' ? t('capture.retake') : t('capture.another')}
            </Button>
            <Button onClick={() => void accept()} disabled={!usable || busy} loading={accepting || busy} data-testid={`${testId}-accept`}>
              {acceptLabel ?? t('capture.use')}
            </Button>
          </Group>
        </Stack>
      )}
    </Stack>
  );
}

function Verdict({ verdict, centred, testId }: { verdict: FaceQuality; centred: boolean | null; testId: string }) {
  const { t } = useTranslation('biometrics');
  return (
    <Alert
      color={verdict.ok ? 'teal' : 'red'}
      variant="light"
      title={verdict.ok ? t('verdict.ok') : t('verdict.refused')}
      data-testid={`${testId}-verdict`}
      data-ok={verdict.ok}
    >
      {verdict.ok ? (
        <Text size="sm">
          {t('verdict.score', { score: Math.round(verdict.score * 100) })}
          {centred === false ? ` ${t('verdict.notCentred')}` : ''}
        </Text>
      ) : (
        <List size="sm">
          {verdict.issues.map((i) => (
            <List.Item key={i.code}>{t(`issue.${i.code.replace('face.', '')}`, { defaultValue: i.message })}</List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}

/** The live camera with its guidance; "Take photo" hands up a still frame (JPEG) for the engine's verdict. */
function LiveCamera({
  purpose,
  onTake,
  onFailed,
  testId,
  checkQuality,
}: {
  purpose: 'enrol' | 'probe';
  onTake: (s: Still) => void;
  onFailed: (e: unknown) => void;
  testId: string;
  checkQuality: (image: Blob, purpose: 'enrol' | 'probe', signal?: AbortSignal) => Promise<FaceQuality>;
}) {
  const { t } = useTranslation('biometrics');
  const video = useRef<HTMLVideoElement>(null);
  const [ready, setReady] = useState(false);
  const [checks, setChecks] = useState<FrameChecks | null>(null);
  const [live, setLive] = useState<{ verdict: FaceQuality; centred: boolean | null } | null>(null);

  // The stream: asked once, stopped when the component leaves (the camera light goes off).
  useEffect(() => {
    let stream: MediaStream | null = null;
    let cancelled = false;
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: 'user', width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false })
      .then((s) => {
        if (cancelled) return s.getTracks().forEach((tr) => tr.stop());
        stream = s;
        const v = video.current;
        if (!v) return;
        v.srcObject = s;
        v.onloadedmetadata = () => {
          void v.play().catch(() => undefined);
          setReady(true);
        };
      })
      .catch((e) => {
        if (!cancelled) onFailed(e);
      });
    return () => {
      cancelled = true;
      for (const tr of stream?.getTracks() ?? []) tr.stop();
    };
  }, [onFailed]);

  // Light checks in the browser, several times a second.
  useEffect(() => {
    if (!ready) return;
    const canvas = document.createElement('canvas');
    canvas.width = 160;
    canvas.height = 120;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    const id = window.setInterval(() => {
      const v = video.current;
      if (!ctx || !v || v.videoWidth === 0) return;
      ctx.drawImage(v, 0, 0, canvas.width, canvas.height);
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height);
      setChecks(frameChecks(data.data, canvas.width, canvas.height));
    }, LOCAL_CHECK_MS);
    return () => window.clearInterval(id);
  }, [ready]);

  // The engine's verdict on a reduced frame every few seconds (one request at a time): one face, centred, pose.
  useEffect(() => {
    if (!ready) return;
    let stopped = false;
    let timer = 0;
    const controller = new AbortController();
    const tick = async () => {
      const v = video.current;
      if (stopped || !v || v.videoWidth === 0) return;
      if (document.visibilityState === 'visible') {
        const frame = await grab(v, LIVE_FRAME_SIDE).catch(() => null);
        if (frame && !stopped) {
          try {
            const verdict = await checkQuality(frame.blob, purpose, controller.signal);
            if (!stopped) setLive({ verdict, centred: verdict.box ? isCentred(verdict.box, frame.width, frame.height) : null });
          } catch {
            // the live verdict is guidance only: a failed check is retried at the next tick
          } finally {
            URL.revokeObjectURL(frame.url);
          }
        }
      }
      if (!stopped) timer = window.setTimeout(() => void tick(), ENGINE_CHECK_MS);
    };
    timer = window.setTimeout(() => void tick(), 300);
    return () => {
      stopped = true;
      controller.abort();
      window.clearTimeout(timer);
    };
  }, [ready, purpose, checkQuality]);

  async function take() {
    const v = video.current;
    if (!v || v.videoWidth === 0) return;
    onTake(await grab(v, Math.max(v.videoWidth, v.videoHeight)));
  }

  const guide: { key: string; ok: boolean | null; label: string }[] = [
    {
      key: 'lit',
      ok: checks ? checks.lit === 'ok' : null,
      label: checks?.lit === 'dark' ? t('guide.dark') : checks?.lit === 'bright' ? t('guide.bright') : t('guide.lit'),
    },
    { key: 'sharp', ok: checks ? checks.sharp : null, label: checks && !checks.sharp ? t('guide.blurred') : t('guide.sharp') },
    {
      key: 'face',
      ok: live ? live.verdict.box !== null && !live.verdict.issues.some((i) => i.code === 'face.multiple_faces' || i.code === 'face.no_face') : null,
      label: live?.verdict.issues.some((i) => i.code === 'face.multiple_faces')
        ? t('guide.manyFaces')
        : live && !live.verdict.box
          ? t('guide.noFace')
          : t('guide.oneFace'),
    },
    { key: 'centred', ok: live ? live.centred : null, label: live?.centred === false ? t('guide.offCentre') : t('guide.centred') },
  ];

  return (
    <Stack gap="xs">
      <Box pos="relative" style={{ alignSelf: 'center', width: '100%', maxWidth: 480 }}>
        <video
          ref={video}
          playsInline
          muted
          data-testid={`${testId}-video`}
          style={{ width: '100%', borderRadius: 8, background: '#111', transform: 'scaleX(-1)', display: 'block', aspectRatio: ready ? undefined : '4 / 3' }}
        />
        {/* The oval the face should fill: centred, as the engine's check expects. */}
        <Box
          aria-hidden
          style={{
            position: 'absolute',
            insetInlineStart: '30%',
            insetBlockStart: '15%',
            width: '40%',
            height: '70%',
            border: '3px dashed rgba(255,255,255,0.7)',
            borderRadius: '50%',
            pointerEvents: 'none',
          }}
        />
        {!ready && (
          <Group pos="absolute" inset={0} justify="center" align="center">
            <Loader color="gray" />
            <Text c="gray.3" size="sm">
              {t('camera.starting')}
            </Text>
          </Group>
        )}
      </Box>
      <Group gap={6} justify="center" data-testid={`${testId}-guide`}>
        {guide.map((g) => (
          <Badge
            key={g.key}
            color={g.ok === null ? 'gray' : g.ok ? 'teal' : 'orange'}
            variant="light"
            size="lg"
            data-check={g.key}
            data-ok={g.ok === null ? 'unknown' : String(g.ok)}
          >
            {g.label}
          </Badge>
        ))}
      </Group>
      <Button size="lg" onClick={() => void take()} disabled={!ready} data-testid={`${testId}-take`}>
        {t('capture.take')}
      </Button>
    </Stack>
  );
}

/** A JPEG of the current video frame, its longest side at most `maxSide`. */
function grab(v: HTMLVideoElement, maxSide: number): Promise<Still> {
  const scale = Math.min(1, maxSide / Math.max(v.videoWidth, v.videoHeight));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(v.videoWidth * scale);
  canvas.height = Math.round(v.videoHeight * scale);
  canvas.getContext('2d')!.drawImage(v, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve({ blob, url: URL.createObjectURL(blob), width: canvas.width, height: canvas.height }) : reject(new Error('no frame'))),
      'image/jpeg',
      0.92,
    ),
  );
}

function imageSize(url: string): Promise<{ width: number; height: number }> {
  return new Promise((resolve, reject) => {
    const img = new window.Image();
    img.onload = () => resolve({ width: img.naturalWidth, height: img.naturalHeight });
    img.onerror = () => reject(new Error('not an image'));
    img.src = url;
  });
}
