import { cameraLabels, QrCameraDialog } from '../ui/QrCameraDialog';
import { useVerifyT } from './i18n';

/** The verifier's camera: reads a certificate QR code (decoding attempts every 250 ms). */
export function CameraDialog(props: { open: boolean; onClose: () => void; onDecoded: (text: string) => void }) {
  const t = useVerifyT();
  return <QrCameraDialog {...props} scanIntervalMs={250} labels={cameraLabels((key) => t(`camera.${key}`))} />;
}
