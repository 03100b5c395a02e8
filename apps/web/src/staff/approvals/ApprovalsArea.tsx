// Scaffold: the approvals helper replaces this file with the supervisors' work list.
export default function ApprovalsArea() {
  return null;
}
