import { useTranslation } from 'react-i18next';
import { QrCameraDialog as CameraDialog, cameraLabels } from '../../ui/QrCameraDialog';

/** The camera QR reader of the desk (reception, check-in), for CCCD and registration QR codes. */
export function QrCameraDialog(props: { open: boolean; onClose: () => void; onDecoded: (text: string) => void }) {
  const { t } = useTranslation();
  return <CameraDialog {...props} labels={cameraLabels((key) => t(`reception.camera.${key}`))} />;
}
